// Counts in words: "1 page", "2 pages", "1 line image".
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
