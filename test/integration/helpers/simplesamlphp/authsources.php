<?php
/*
 * Test-only authentication sources: `test-users`, an exampleauth:UserPass source whose users (username,
 * password, attributes) come from the per-run settings; `admin` for simplesamlphp's own admin pages.
 */
$settings = require __DIR__ . '/settings.php';

$users = [];
foreach ($settings['users'] as $user) {
    $users[$user['username'] . ':' . $user['password']] = $user['attributes'];
}

$config = [
    'admin' => ['core:AdminPassword'],
    'test-users' => array_merge(['exampleauth:UserPass'], $users),
];
