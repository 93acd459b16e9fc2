<?php
/*
 * Test-only hosted IdP: signs the Assertion (and, when asked, the Response) with RSA-SHA256 using a key pair
 * generated for this run; NameID persistent (or emailAddress) taken from a user attribute.
 */
$settings = require dirname(__DIR__) . '/settings.php';

$metadata[$settings['entityId']] = [
    'host' => '__DEFAULT__',
    'privatekey' => $settings['dir'] . '/cert/idp.key',
    'certificate' => $settings['dir'] . '/cert/idp.crt',
    'auth' => 'test-users',

    'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    'saml20.sign.assertion' => true,
    'saml20.sign.response' => $settings['signResponse'],

    'NameIDFormat' => $settings['nameIdFormat'],
    'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
    'authproc' => [
        // The NameID is the value of one user attribute (persistent: an opaque stable id; email: the address).
        10 => [
            'class' => 'saml:AttributeNameID',
            'attribute' => $settings['nameIdAttribute'],
            'Format' => $settings['nameIdFormat'],
        ],
    ],
];
