import admin from './admin';
import sso from './sso';
import identities from './identities';

export default { admin, sso, identities };
