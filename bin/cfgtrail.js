#!/bin/sh
':' /*
# This file is both a POSIX shell script and the JavaScript entry point.
# Run directly (as `cfgtrail` or bin/cfgtrail.js), sh reads it first: Node 20
# parses every CA certificate at start-up when NODE_EXTRA_CA_CERTS is set
# (35 ms of a 60 ms start on our machines), and the commands below never open
# a TLS connection or start a process of the operator's, so they run without it.
# rollback, verify and restart keep it: their health checks may use https and
# the services they restart inherit the environment. `node bin/cfgtrail.js`
# skips this part: to JavaScript it is a string and a comment.
skip=
for arg in "$@"; do
  if [ -n "$skip" ]; then skip=; continue; fi
  case $arg in
    -C) skip=1 ;;
    -*) ;;
    *) command=$arg; break ;;
  esac
done
case ${command-} in
  init|snapshot|diff|status|log|show|export|gc) unset NODE_EXTRA_CA_CERTS ;;
esac
exec node "$0" "$@"
*/
import '../dist/cli.js';
