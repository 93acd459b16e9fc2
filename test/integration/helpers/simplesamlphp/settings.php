<?php
/*
 * Test-only: per-run settings written as JSON by test/integration/helpers/simplesamlphp.ts into the private
 * config directory (SIMPLESAMLPHP_CONFIG_DIR). Every other file of this directory reads them through here.
 */
if (!function_exists('ib_ssp_settings')) {
    function ib_ssp_settings(): array
    {
        $file = __DIR__ . '/settings.json';
        $settings = json_decode((string) file_get_contents($file), true);
        if (!is_array($settings)) {
            throw new \Exception('simplesamlphp test settings unreadable: ' . $file);
        }
        return $settings;
    }
}
return ib_ssp_settings();
