/**
 * An attribute key as a reader or editor should see it when nobody gave it a label: "city" → "City",
 * "zip_code" → "Zip code", "firstName" → "First name", "shipping-address.city" → "Shipping address city".
 */
export function humaniseKey(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.\-\s]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}
