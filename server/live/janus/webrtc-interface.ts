import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { JanusConfigError } from './janus-errors.js';

/**
 * The IPv4 address of `VIGIL_WEBRTC_INTERFACE` (an interface name, or already an address) for Janus's SDP
 * (`sdpIp`). Throws a JanusConfigError when the interface does not exist or has no IPv4 address.
 */
export function webrtcInterfaceAddress(
  nameOrIp: string,
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): string {
  if (isIP(nameOrIp) !== 0) return nameOrIp;
  const addresses = interfaces[nameOrIp];
  if (addresses === undefined) throw new JanusConfigError(`WebRTC interface "${nameOrIp}" does not exist`);
  const v4 = addresses.find((a) => a.family === 'IPv4' && !a.internal);
  if (v4 === undefined) throw new JanusConfigError(`WebRTC interface "${nameOrIp}" has no IPv4 address`);
  return v4.address;
}
