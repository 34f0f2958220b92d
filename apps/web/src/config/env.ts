/**
 * Build-time settings of the web app (Vite `VITE_*` variables), parsed once. Nothing else reads
 * `import.meta.env`.
 */
const raw = import.meta.env;

export const env = {
  appName: 'Medichat',
  /** Shown in every emergency notice; mirrors the API's EMERGENCY_NUMBER (default 112). */
  emergencyNumber: /^[0-9+ ]{2,20}$/.test(raw.VITE_EMERGENCY_NUMBER ?? '') ? raw.VITE_EMERGENCY_NUMBER! : '112',
  isDev: raw.DEV,
} as const;
