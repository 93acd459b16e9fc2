'use strict';

const { timingSafeEqual } = require('crypto');

const expected = Buffer.from(`Bearer ${process.env.FLOOR_TOKEN || 'floor-token'}`);

/** GET /api/floor: 200 { ok: true } for `Authorization: Bearer <FLOOR_TOKEN>`, 401 otherwise. No database. */
module.exports = {
  async index(ctx) {
    const presented = Buffer.from(ctx.get('authorization') || '');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
      ctx.status = 401;
      ctx.set('WWW-Authenticate', 'Bearer');
      ctx.body = { ok: false };
      return;
    }
    ctx.body = { ok: true };
  },
};
