// drizzle-kit: generates migrations/ from src/db/schema.ts (wrangler and the tests apply them).
import { defineConfig } from 'drizzle-kit'

export default defineConfig({
  dialect: 'sqlite',
  schema: './src/db/schema.ts',
  out: './migrations',
})
