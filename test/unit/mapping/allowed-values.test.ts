import { findAllowedValueViolations, formatViolation } from '../../../server/src/mapping/allowed-values';
import type { DeclaredAttribute } from '../../../server/src/mapping/types';
import { DECLARED, METADATA, entraUser } from './fixtures';

describe('findAllowedValueViolations', () => {
  it('accepts allowed values, ignoring case and surrounding spaces', () => {
    expect(findAllowedValueViolations(entraUser(), DECLARED)).toEqual([]);
    expect(
      findAllowedValueViolations(entraUser({ userType: ' premium ', [METADATA]: { team: 'RED' } }), DECLARED)
    ).toEqual([]);
  });

  it('reports values outside the list, with the message SCIM answers', () => {
    const violations = findAllowedValueViolations(entraUser({ userType: 'Gold' }), DECLARED);
    expect(violations).toEqual([
      { key: 'userType', scimPath: 'userType', value: 'Gold', allowed: ['Premium', 'Standard'] },
    ]);
    expect(violations.map(formatViolation)).toEqual(['userType must be one of: Premium, Standard (got "Gold")']);
  });

  it('checks each value of a multi-valued attribute, including { value } items', () => {
    const declared: DeclaredAttribute[] = [
      { key: 'regions', scimPath: `${METADATA}:regions`, multiValued: true, allowedValues: ['EMEA', 'APAC'] },
    ];
    const data = { [METADATA]: { regions: [{ value: 'emea' }, { value: 'Mars' }, 'Moon'] } };
    expect(findAllowedValueViolations(data, declared).map((violation) => violation.value)).toEqual(['Mars', 'Moon']);
    expect(formatViolation(findAllowedValueViolations(data, declared)[0]!)).toBe(
      `${METADATA}:regions must be one of: EMEA, APAC (got "Mars")`
    );
  });

  it('does not report missing or empty values', () => {
    const data = entraUser({ userType: '  ' });
    delete data[METADATA];
    expect(findAllowedValueViolations(data, DECLARED)).toEqual([]);
  });

  it('ignores attributes without allowed values', () => {
    const declared: DeclaredAttribute[] = [{ key: 'title', scimPath: 'title', multiValued: false }];
    expect(findAllowedValueViolations({ title: 'Anything' }, declared)).toEqual([]);
  });
});
