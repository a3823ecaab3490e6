// Imported first by every benchmark: React, react-dom/server and Express choose their production code paths from
// NODE_ENV when they load, so the server must run with it set, as `npm start` does (server/start.ts). Left unset,
// the roll-up renders with React's development checks and takes about a third longer.
process.env.NODE_ENV = "production";
