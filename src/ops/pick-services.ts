import { CfgtrailError } from '../core/errors.js';
import type { ServiceConfig } from './services-config.js';

/**
 * The services named (all when none is named), in the order named.
 *
 * @throws CfgtrailError BAD_INPUT for a name settings.yaml does not define
 * @example pickServices(all, ['web']) // [the 'web' service]
 */
export function pickServices(all: ServiceConfig[], names: string[] | undefined): ServiceConfig[] {
  if (!names || names.length === 0) return all;
  return names.map((name) => {
    const found = all.find((s) => s.name === name);
    if (!found) {
      const known = all.length > 0 ? all.map((s) => s.name).join(', ') : 'none';
      throw new CfgtrailError('BAD_INPUT', `unknown service '${name}' (services in settings.yaml: ${known})`, { service: name });
    }
    return found;
  });
}
