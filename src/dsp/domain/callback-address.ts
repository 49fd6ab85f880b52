/**
 * A callback address a counterparty gives us, to which we will POST with our tokens: an http(s) URL without
 * credentials, query or fragment, on the origin the participant registered for its DSP endpoint (so a participant
 * cannot point us at somebody else's server). Returns the address without trailing slashes, or why it is refused.
 */
export function callbackAddressOf(address: string, registeredDsp: string | undefined): { ok: true; url: string } | { ok: false; why: string } {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { ok: false, why: 'must be an absolute URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, why: 'must be an http(s) URL' };
  if (url.username || url.password || url.search || url.hash) return { ok: false, why: 'must carry no credentials, query or fragment' };
  if (registeredDsp !== undefined && new URL(registeredDsp).origin !== url.origin) return { ok: false, why: `must be on the participant's registered origin ${new URL(registeredDsp).origin}` };
  return { ok: true, url: url.toString().replace(/\/+$/, '') };
}
