/** The name of a clone: "Copy of <name>", within the 200 characters a campaign's or template's name may have. */
export function copyName(name: string): string {
  const copy = `Copy of ${name}`;
  return copy.length <= 200 ? copy : `${copy.slice(0, 199)}…`;
}
