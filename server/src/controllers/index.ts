import admin from './admin';
import sso from './sso';

export default { admin, sso };
