import { z } from "@hono/zod-openapi";
import { ROLES } from "../auth/roles";

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    name: z.string(),
    role: z.enum(ROLES),
    department: z.string().nullable(),
  })
  .openapi("User");

export const userWithOrganizationSchema = userSchema
  .extend({ organization: z.object({ id: z.uuid(), name: z.string() }) })
  .openapi("UserWithOrganization");

export const userListQuery = z
  .object({
    role: z.enum(ROLES).optional().openapi({ example: "learner" }),
    department: z.string().min(1).max(100).optional().openapi({ example: "Engineering" }),
    limit: z.coerce.number().int().min(1).max(100).default(50).openapi({ example: 50 }),
    cursor: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,400}$/, "must be a nextCursor from a previous page")
      .optional(),
  })
  .strict();

export const userPageSchema = z.object({ items: z.array(userSchema), nextCursor: z.string().nullable() }).openapi("UserPage");
