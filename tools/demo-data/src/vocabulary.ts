/**
 * The words the generator draws from. Deliberately awkward: non-ASCII letters, CJK, apostrophes, double quotes,
 * `%` and `_` (LIKE wildcards), so every layer from SQL to CSV meets them in the demo.
 */

export const FIRST_NAMES = [
  'Zoë',
  'José',
  'Łukasz',
  'Anna',
  'Mohammed',
  'Søren',
  'François',
  'Aiko',
  'Chloé',
  'Mateo',
  'Priya',
  'Olga',
  'Björn',
  'Nuño',
  'Siobhán',
  'Jürgen',
  'Wei',
  'Ngozi',
  'Émile',
  'Kateřina',
  '太郎',
  '花子',
  'Ana',
  'John',
  'Mary',
  'Lars',
  'Fatima',
  'Yuki',
  'Carlos',
  'Ingrid',
  'Dóra',
  'Ahmet',
] as const;

export const LAST_NAMES = [
  'Müller',
  'García',
  'Nowak',
  '山田',
  '佐藤',
  "O'Brien",
  'Smith',
  'Johansson',
  'Dubois',
  'Rossi',
  'Kowalski',
  'Nguyễn',
  'Ødegaard',
  'Šimić',
  'Papadopoulos',
  'van der Berg',
  'da Silva',
  'Núñez',
  'Öztürk',
  'Jones',
  'Kim',
  'Chen',
  'Ivanova',
  'MacDonald',
  "D'Angelo",
  'Björk',
  'Łęcki',
  'Brown',
  'Patel',
  'Hernández',
] as const;

export const DEPARTMENTS = [
  'Sales',
  'Marketing',
  'Finance',
  'Human Resources',
  'Engineering',
  'Operations',
  'Customer Support',
  'Legal',
  'R&D',
  'Procurement',
] as const;

export const TITLES = [
  'Account Executive',
  'Senior Account Executive',
  'Sales Manager',
  'Analyst',
  'Senior Analyst',
  'Engineer',
  'Senior Engineer',
  'Team Lead',
  'Director',
  'Coordinator',
  'Specialist',
  'Consultant',
] as const;

export const REGIONS = ['EMEA', 'APAC', 'AMER', 'LATAM'] as const;

/** Category, subcategory and the noun a product of that kind is named after. */
export const PRODUCT_KINDS = [
  ['Electronics', 'Monitors', 'Monitor'],
  ['Electronics', 'Laptops', 'Laptop'],
  ['Electronics', 'Audio', 'Headphones'],
  ['Electronics', 'Cables & Adapters', 'Cable'],
  ['Office', 'Furniture', 'Desk Chair'],
  ['Office', 'Furniture', 'Standing Desk'],
  ['Office', 'Supplies', 'Notebook'],
  ['Office', 'Supplies', 'Pen Set'],
  ['Home & Kitchen', 'Appliances', 'Espresso Machine'],
  ['Home & Kitchen', 'Cookware', 'Frying Pan'],
  ['Apparel', 'Shirts', 'T-Shirt'],
  ['Apparel', 'Outerwear', 'Rain Jacket'],
  ['Sports', 'Fitness', 'Yoga Mat'],
  ['Sports', 'Cycling', 'Bike Light'],
  ['Software', 'Licenses', 'Subscription'],
  ['Software', 'Services', 'Support Plan'],
] as const;

export const PRODUCT_ADJECTIVES = [
  'Aurora',
  'Compact',
  'Deluxe',
  'Eco',
  'Ergonomic',
  'Nordic',
  'Pro',
  'Ultra',
  'Classic',
  'Smart',
  'Café',
  'Señor',
] as const;

/** Mostly nothing; sometimes the characters that break naive LIKE patterns and naive quoting. */
export const PRODUCT_SUFFIXES = [
  '',
  '',
  '',
  '',
  '',
  '',
  ' 100% Cotton',
  ' – 50% Off Bundle',
  ' (snake_case edition)',
  ' _Refurbished_',
  " Kid's Edition",
  ' 27" Wide',
  ' "Limited" Edition',
  " O'Reilly Pack",
  ' für Profis',
  ' 日本版',
  ' 10%_off',
  ' \\ Backslash Series',
] as const;

export const COMPANY_STEMS = [
  'Müller & Söhne',
  "O'Neil Trading",
  '株式会社山田商事',
  '100% Organic Foods',
  'under_score Labs',
  'The "Best" Coffee',
  'Łódź Logistics',
  'São Paulo Têxtil',
  'Nordlys Fiskeri',
  'Acme',
  'Globex',
  'Initech',
  'Umbrella Retail',
  'Stark Supplies',
  'Blue Ocean',
  'Zürich Partners',
  'Ελληνικά Τρόφιμα',
  'Árvíztűrő Tükörfúrógép',
] as const;

export const COMPANY_FORMS = [
  ' GmbH',
  ' Ltd',
  ' Inc.',
  ' S.A.',
  ' AB',
  ' K.K.',
  ' LLC',
  ' Sp. z o.o.',
  '',
] as const;

/** Country and one of its cities. */
export const PLACES = [
  ['Germany', 'München'],
  ['Germany', 'Köln'],
  ['Japan', '東京'],
  ['Japan', 'Ōsaka'],
  ['Poland', 'Łódź'],
  ['Brazil', 'São Paulo'],
  ['France', 'Paris'],
  ['United States', 'New York'],
  ['United States', 'San José'],
  ['Mexico', 'Ciudad de México'],
  ['Norway', 'Tromsø'],
  ['Türkiye', 'İstanbul'],
  ['United Kingdom', 'London'],
  ['India', 'Bengaluru'],
  ['Australia', 'Sydney'],
  ['Spain', 'A Coruña'],
] as const;

export const SEGMENTS = ['Enterprise', 'Mid-Market', 'SMB', 'Public Sector'] as const;

export const CHANNELS = ['Online', 'Retail', 'Partner', 'Direct Sales', 'Marketplace'] as const;

export const CUSTOMER_NOTES = [
  'Prefers invoices by e-mail',
  "Customer's PO number required",
  'Net 30; 2% discount if paid in 10 days',
  'Ship to: "Warehouse B"',
  'key_account',
  'Rückruf erbeten',
  '担当者: 山田',
  'VIP – handle with care',
  'Line one\nline two',
] as const;

export const SALE_COMMENTS = [
  'Gift wrap requested',
  '10% off promo applied',
  'ship_to_store',
  "Customer said it's urgent",
  'Marked "fragile"',
  'Lieferung nach München',
  '至急対応',
  'Café order – Zoë',
  '100%_guaranteed',
  'C:\\orders\\backslash',
  'Tab\tseparated',
  '   leading and trailing spaces   ',
] as const;
