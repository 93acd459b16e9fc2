import admin from './admin';
import sso from './sso';
import identities from './identities';
import mappingOptions from './mapping-options';

export default { admin, sso, identities, 'mapping-options': mappingOptions };
