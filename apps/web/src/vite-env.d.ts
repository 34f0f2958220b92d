/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_EMERGENCY_NUMBER?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
