import admin from './admin';
import sso from './sso';
import mappingOptions from './mapping-options';

export default { admin, sso, 'mapping-options': mappingOptions };
