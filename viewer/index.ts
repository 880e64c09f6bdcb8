/**
 * Public surface of the viewer (server side): start the server on a session of run views, build
 * run views from logs or files, and run a scenario live. The browser app lives in viewer/src/.
 */
export * from './server/bevSource.ts';
export * from './server/liveRun.ts';
export * from './server/mapGeometry.ts';
export * from './server/protocol.ts';
export * from './server/runView.ts';
export * from './server/ViewerServer.ts';
