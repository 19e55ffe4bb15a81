import type { z } from "zod";
import { assessmentPayload } from "./assessment";
import { authPayload } from "./auth";
import { contentStudioPayload } from "./contentStudio";
import { courseBuilderPayload } from "./courseBuilder";
import { devLabPayload } from "./devLab";
import { directoryPayload } from "./directory";
import { learnerAIPayload } from "./learnerAI";
import { ragAssistantPayload } from "./ragAssistant";
import { skillsEnginePayload } from "./skillsEngine";

/**
 * The contracts of the nine upstream services. Each answers
 * `GET {BASE_URL}/api/v1/analytics-data?{userId|courseId|organizationId}=<uuid>[&from=…][&to=…]`
 * with a bearer service token, in the common envelope of `envelope.ts`. `from`/`to` are ISO dates
 * or datetimes; the window defaults to the 90 days before the request.
 *
 * In a course scope, records that belong to a course (attempts, content events, submissions,
 * assistant sessions, learning paths) are those of that course; records about a person (sign-ins,
 * target skills, predicted effort) are those of its enrolled learners.
 */
export const SERVICES = [
  "directory",
  "courseBuilder",
  "assessment",
  "skillsEngine",
  "learnerAI",
  "contentStudio",
  "devLab",
  "ragAssistant",
  "auth",
] as const;

export type ServiceName = (typeof SERVICES)[number];

export const payloadSchemas = {
  directory: directoryPayload,
  courseBuilder: courseBuilderPayload,
  assessment: assessmentPayload,
  skillsEngine: skillsEnginePayload,
  learnerAI: learnerAIPayload,
  contentStudio: contentStudioPayload,
  devLab: devLabPayload,
  ragAssistant: ragAssistantPayload,
  auth: authPayload,
} as const satisfies Record<ServiceName, z.ZodType>;

/** The parsed payload of one service. */
export type ServicePayload<S extends ServiceName> = z.infer<(typeof payloadSchemas)[S]>;

/** Type guard for a service name taken from outside (a URL, a config key). */
export function isServiceName(name: string): name is ServiceName {
  return (SERVICES as readonly string[]).includes(name);
}

export * from "./envelope";
export * from "./directory";
export * from "./courseBuilder";
export * from "./assessment";
export * from "./skillsEngine";
export * from "./learnerAI";
export * from "./contentStudio";
export * from "./devLab";
export * from "./ragAssistant";
export * from "./auth";
