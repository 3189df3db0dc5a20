import { expect } from 'chai';
import { can, indicatorScope, rolesFitScope, type CurrentUser, type Role } from '../../../server/access';
import { scopeContains, type Scope } from '../../../server/access';

const dep: Scope = { kind: 'department', code: 'P108201', regionCode: '1082' };
const region: Scope = { kind: 'region', code: '1082' };
const dk: Scope = { kind: 'country', code: 'DK' };
const kommune: Scope = { kind: 'municipality', code: '751', regionCode: '1082' };
const user = (roles: Role[], scope: Scope): CurrentUser => ({ id: 1, email: 'x', name: 'x', roles, scope, mustChangePassword: false, via: 'session' });

describe('role hospital and the department scope (pathway.md §2)', () => {
  it('hospital needs a department, region or DK scope; a department allows no other role', () => {
    expect(rolesFitScope(['hospital'], dep)).to.equal(true);
    expect(rolesFitScope(['hospital'], region)).to.equal(true);
    expect(rolesFitScope(['hospital'], dk)).to.equal(true);
    expect(rolesFitScope(['hospital'], kommune)).to.equal(false);
    expect(rolesFitScope(['hospital', 'quality'], dep)).to.equal(false);
    expect(rolesFitScope(['quality'], dep)).to.equal(false);
    expect(rolesFitScope(['hospital', 'quality'], region)).to.equal(true);
  });

  it('a department lies inside its region and DK, never inside a municipality or another region', () => {
    expect(scopeContains(region, dep)).to.equal(true);
    expect(scopeContains(dk, dep)).to.equal(true);
    expect(scopeContains(kommune, dep)).to.equal(false);
    expect(scopeContains({ kind: 'region', code: '1084' }, dep)).to.equal(false);
    expect(scopeContains(dep, kommune)).to.equal(false);
  });

  it('the actions of the roles × actions table', () => {
    const h = user(['hospital'], dep);
    expect(can(h, 'indicators.read')).to.equal(true);
    expect(can(h, 'pathway.read')).to.equal(true);
    expect(can(h, 'referrals.submit')).to.equal(true);
    expect(can(h, 'referrals.read')).to.equal(false);
    expect(can(h, 'courses.read')).to.equal(false);
    expect(can(user(['hospital'], region), 'referrals.submit')).to.equal(true);
    expect(can(user(['hospital'], dk), 'referrals.submit')).to.equal(false);
    expect(can(user(['therapist'], kommune), 'referrals.read')).to.equal(true);
    expect(can(user(['admin'], kommune), 'referrals.read')).to.equal(false);
    expect(can(user(['admin'], dk), 'hospitals.admin')).to.equal(true);
    expect(can(user(['admin'], region), 'hospitals.admin')).to.equal(false);
  });

  it('no indicator unit lies inside the scope of a user whose only role is hospital', () => {
    expect(indicatorScope(user(['hospital'], dk)).kind).to.equal('department');
    expect(indicatorScope(user(['hospital', 'quality'], region))).to.deep.equal(region);
  });
});
