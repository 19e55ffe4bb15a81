// A runnable example of the typed client: with `npm run dev` running,
//   npx tsx client/example.ts
// signs in as a demo learner and prints their learner analytics. API_URL, DEMO_EMAIL and
// DEMO_PASSWORD override the defaults (the dev server and the seeded learner).
import { createAnalyticsClient } from "./index";

const baseUrl = process.env.API_URL ?? "http://127.0.0.1:8787";
const email = process.env.DEMO_EMAIL ?? "learner@acme.test";
const password = process.env.DEMO_PASSWORD ?? "demo-password";

let accessToken: string | undefined;
const api = createAnalyticsClient({ baseUrl, getToken: () => accessToken });

const signIn = await api.POST("/api/v1/auth/login", { body: { email, password } });
if (!signIn.data) {
  console.error(`sign-in as ${email} failed (${signIn.response.status}):`, signIn.error);
  process.exit(1);
}
accessToken = signIn.data.accessToken;

const profile = await api.GET("/api/v1/auth/profile");
console.log("signed in as", profile.data);

const learner = await api.GET("/api/v1/analytics/learner", { params: { query: { timeRange: "30d" } } });
if (!learner.data) {
  console.error(`GET /api/v1/analytics/learner answered ${learner.response.status}:`, learner.error);
  process.exit(1);
}
console.log(JSON.stringify(learner.data, null, 2));
