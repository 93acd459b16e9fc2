<?php
/*
 * Test-only: the plugin's service provider(s), as the test registered them (entity ID and ACS URL).
 */
$settings = require dirname(__DIR__) . '/settings.php';

foreach ($settings['serviceProviders'] as $sp) {
    $metadata[$sp['entityId']] = [
        'AssertionConsumerService' => [
            [
                'Binding' => 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
                'Location' => $sp['acsUrl'],
                'index' => 0,
            ],
        ],
        'NameIDFormat' => $settings['nameIdFormat'],
        'saml20.sign.assertion' => true,
        'saml20.sign.response' => $settings['signResponse'],
        'signature.algorithm' => 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        'attributes.NameFormat' => 'urn:oasis:names:tc:SAML:2.0:attrname-format:basic',
        'validate.authnrequest' => false,
        'assertion.encryption' => false,
    ];
}
