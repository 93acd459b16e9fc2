export const PLUGIN_ID = 'identity-bridge';
