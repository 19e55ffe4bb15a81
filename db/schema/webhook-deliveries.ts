import { index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/** Delivery ids already accepted from each upstream service: a replayed delivery is refused. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    service: text("service").notNull(),
    deliveryId: text("delivery_id").notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.service, table.deliveryId] }), index("webhook_deliveries_received_idx").on(table.receivedAt)],
);
