const MAP: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For the few hand-written HTML bits outside the Handlebars template (pages, the confirmation mail). */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => MAP[c] ?? c);
