import { z } from "zod";
import { day, id, servicePayload, timestamp } from "./envelope";

/** A person's sign-in activity on one UTC day. */
export const dailySignInSchema = z.object({
  day,
  /** Sessions started (successful sign-ins and silent renewals after a lapse). */
  sessions: z.number().int().positive(),
  /** Minutes with authenticated requests, across all sessions. */
  activeMinutes: z.number().int().min(0).max(1440),
});

export const userActivitySchema = z.object({
  userId: id,
  /** The latest successful sign-in before the window's end, even one before its start; null if never. */
  lastSignInAt: timestamp.nullable(),
  /** Days inside the window with at least one session, oldest first; days without are omitted. */
  days: z.array(dailySignInSchema),
});

/**
 * auth — sign-in activity. Course scope: the course's enrolled learners; organisation scope:
 * everybody in the organisation, staff included.
 */
export const authPayload = servicePayload("auth", z.object({ users: z.array(userActivitySchema) }));

export type AuthPayload = z.infer<typeof authPayload>;
export type UserSignInActivity = z.infer<typeof userActivitySchema>;
