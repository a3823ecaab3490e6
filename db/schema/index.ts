// The one schema of Cyclekeeper, split by domain.
export * from "./tenancy";
export * from "./people";
export * from "./audit";
export * from "./cycles";
export * from "./data";
export * from "./reflections";
export * from "./collab";
export * from "./students";
export * from "./reports";
