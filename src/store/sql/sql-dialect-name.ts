/** The databases the SQL store runs on. What differs between them is chosen by this name. */
export type SqlDialectName = 'sqlite' | 'postgres';
