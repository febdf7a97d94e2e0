#!/usr/bin/env bash
# What the test suite needs besides Node 20 and `npm ci`, in one place: run it once
# before `npm test` (.ci/run does). Debian/Ubuntu (apt-get; sudo when not root).
# Installs only what is missing:
#   supervisor    supervisord and supervisorctl: the rollback, restart and verify tests drive a real one
#   strace        the crash and race tests inject faults with it (kill at the Nth rename, hold a call)
#   python3-yaml  PyYAML, an independent YAML reader the corpus and export tests compare against
#   git           native git, the tests' witness of what cfgtrail wrote, and git http-backend,
#                 the smart-HTTP server the push/fetch tests talk to
#   procps        ps and /bin/kill (kill -- -PGID): the hook tests' hostile hooks use them
#   util-linux    setsid: the hook tests run cfgtrail in a process group of its own
#   prometheus, prometheus-alertmanager
#                 the watch tests start a real Prometheus (and Alertmanager) on 127.0.0.1
#   tmux          a real terminal for the cfgtrail tui end-to-end tests and rollout progress (send-keys, capture-pane)
set -euo pipefail

has() { command -v "$1" >/dev/null 2>&1; }
need=()
has supervisord && has supervisorctl || need+=(supervisor)
has strace || need+=(strace)
{ has git && [ -x "$(git --exec-path)/git-http-backend" ]; } || need+=(git)
has ps && [ -x /bin/kill ] || need+=(procps)
has setsid || need+=(util-linux)
has tmux || need+=(tmux)
python3 -c 'import yaml' >/dev/null 2>&1 || need+=(python3-yaml)
has prometheus || need+=(prometheus)
has prometheus-alertmanager || has alertmanager || need+=(prometheus-alertmanager)

if [ ${#need[@]} -eq 0 ]; then
  echo "test-deps: supervisord, strace, git, tmux, python3 with PyYAML, prometheus and alertmanager are installed"
  exit 0
fi
if ! has apt-get; then
  echo "test-deps: missing ${need[*]} (Debian package names): install them with your package manager" >&2
  exit 1
fi
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "test-deps: installing ${need[*]}"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
# The tests start supervisord themselves (own config, temp socket): stop the
# distribution's instance that installing the package may have started.
case " ${need[*]} " in *" supervisor "*) $sudo service supervisor stop >/dev/null 2>&1 || true ;; esac
# Likewise the watch tests start their own Prometheus and Alertmanager (temp data, free ports).
case " ${need[*]} " in *" prometheus "*) $sudo service prometheus stop >/dev/null 2>&1 || true ;; esac
case " ${need[*]} " in *" prometheus-alertmanager "*) $sudo service prometheus-alertmanager stop >/dev/null 2>&1 || true ;; esac
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  echo "test-deps: $(command -v python3) has no PyYAML (not the system python3?): pip install pyyaml" >&2
  exit 1
fi
