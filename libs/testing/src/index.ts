export { freePort } from './free-port';
export { startProcess, type ProcessOptions, type RunningProcess } from './process';
