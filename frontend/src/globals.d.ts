/** The build's time stamp (vite.config.ts `define`): a cache kept by another build is dropped. */
declare const __TASKFLOW_BUILD__: string;
