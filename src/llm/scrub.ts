// Server-written text on its way into an error message or a log line: secrets out, one short line.

const KEY_LIKE = /\b(sk|pk|rk|key)-[A-Za-z0-9_*.-]{6,}/g;

/**
 * Removes each secret (the API key; the transport adds a role's longer header and query values)
 * and anything that looks like a key, and makes the text one line of at most `maxLength` characters.
 */
export function scrub(text: string, secrets: string | undefined | readonly (string | undefined)[], maxLength = 160): string {
  const list = (Array.isArray(secrets) ? secrets : [secrets]) as readonly (string | undefined)[];
  let cleaned = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...list].filter(isSecret).sort((a, b) => b.length - a.length)) {
    cleaned = cleaned.split(secret).join('[redacted]');
  }
  cleaned = cleaned.replace(KEY_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 3)}...` : cleaned;
}

function isSecret(value: string | undefined): value is string {
  return typeof value === 'string' && value !== '';
}
