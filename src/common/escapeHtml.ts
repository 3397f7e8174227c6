// HTML escaping for every page the project writes by hand: the report, the panel shells, the check
// details. One function, so what is safe in one page is safe in all.

/** Text made safe for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
