<?php
/*
 * Test-only simplesamlphp 1.19 configuration: a SAML 2.0 IdP on http://127.0.0.1:<port>/ served by `php -S`
 * with /usr/share/simplesamlphp/www as document root. Never use these settings anywhere but a test.
 */
$settings = require __DIR__ . '/settings.php';

$config = [
    // An absolute URL: php -S serves www/ at the root, and the host/port never have to be guessed.
    'baseurlpath' => $settings['baseUrl'],
    'secretsalt' => $settings['secretSalt'],
    'auth.adminpassword' => $settings['adminPassword'],
    'admin.protectindexpage' => true,
    'admin.protectmetadata' => false,
    'technicalcontact_name' => 'identity-bridge tests',
    'technicalcontact_email' => 'tests@example.test',
    'timezone' => 'UTC',

    'certdir' => $settings['dir'] . '/cert/',
    'tempdir' => $settings['dir'] . '/tmp/',
    'loggingdir' => $settings['dir'] . '/log/',
    'metadatadir' => __DIR__ . '/metadata/',
    'metadata.sources' => [['type' => 'flatfile']],
    'datadir' => $settings['dir'] . '/data/',

    'logging.level' => SimpleSAML\Logger::INFO,
    'logging.handler' => 'file',
    'logging.logfile' => 'simplesamlphp.log',
    'logging.processname' => 'simplesamlphp',
    'debug' => ['saml' => false, 'backtraces' => true, 'validatexml' => false],
    'showerrors' => true,
    'errorreporting' => false,

    'enable.saml20-idp' => true,
    'enable.shib13-idp' => false,
    'enable.adfs-idp' => false,
    'enable.wsfed-sp' => false,
    'enable.authmemcookie' => false,

    'module.enable' => [
        'core' => true,
        'saml' => true,
        'admin' => true,
        'exampleauth' => true,
    ],

    // Plain http on 127.0.0.1: the cookies cannot be Secure, and SameSite=None would need Secure.
    'session.duration' => 60 * 60,
    'session.datastore.timeout' => 60 * 60,
    'session.state.timeout' => 60 * 60,
    'session.cookie.name' => 'SimpleSAMLSessionID',
    'session.cookie.lifetime' => 0,
    'session.cookie.path' => '/',
    'session.cookie.domain' => null,
    'session.cookie.secure' => false,
    'session.cookie.samesite' => null,
    'session.phpsession.cookiename' => 'SimpleSAML',
    'session.phpsession.savepath' => $settings['dir'] . '/sessions',
    'session.phpsession.httponly' => true,
    'session.authtoken.cookiename' => 'SimpleSAMLAuthToken',
    'session.rememberme.enable' => false,

    'language.available' => ['en'],
    'language.default' => 'en',
    'language.parameter.setcookie' => false,
    'theme.use' => 'default',
    'template.cache' => $settings['dir'] . '/tmp/twig',
    'template.auto_reload' => false,

    'store.type' => 'phpsession',
];
