/** The analytics of PRODUCT.md §6 as pure functions (no I/O, no clock): the analyze step's toolbox. */

export * from "../../core/domain/time";
export * from "../../core/domain/time-range";
export * from "./at-risk";
export * from "./at-risk-features";
export * from "./at-risk-model";
export * from "./bkt";
export * from "./bkt-fit";
export * from "./course-performance";
export * from "./distribution";
export * from "./engagement";
export * from "./learner-trace";
export * from "./logistic";
export * from "./metrics";
export * from "./projection";
export * from "./series";
export * from "./skill-gaps";
export * from "./velocity";
