import { expect } from 'chai';
import { codeAndName, Geography, scopeLabel, type Municipality } from '../../../server/geography';

const m = (code: string, name: string, regionCode: string, clusterCode: string | null): Municipality => ({
  code, name, regionCode, regionName: `Region ${regionCode}`, clusterCode, clusterName: clusterCode && `Klynge ${clusterCode}`, registeringSince: null,
});

// Out of code order on purpose: municipalities keep the given (municipalities.csv) order, the others sort by code.
const geo = new Geography([
  m('751', 'Aarhus', '1082', 'aarhus'), m('101', 'København', '1084', null), m('730', 'Randers', '1082', 'randers'),
  m('706', 'Syddjurs', '1082', 'aarhus'),
]);

describe('geography from memory', () => {
  it('lists units of each type: municipalities in the given order, the others by code, each with its municipalities', () => {
    expect(geo.units('municipality').map((u) => u.code)).to.deep.equal(['751', '101', '730', '706']);
    expect(geo.units('region').map((u) => [u.code, u.name, u.municipalityCodes])).to.deep.equal([
      ['1082', 'Region 1082', ['751', '730', '706']], ['1084', 'Region 1084', ['101']],
    ]);
    expect(geo.units('cluster').map((u) => [u.code, u.municipalityCodes])).to.deep.equal([['aarhus', ['751', '706']], ['randers', ['730']]]);
    expect(geo.country).to.deep.equal({ unitType: 'country', code: 'DK', name: 'Danmark', municipalityCodes: ['751', '101', '730', '706'] });
  });

  it('finds one unit by type and code, null for an unknown one or another type', () => {
    expect(geo.unit('cluster', 'aarhus')?.name).to.equal('Klynge aarhus');
    expect(geo.unit('region', '751')).to.equal(null);
    expect(geo.unit('municipality', '999')).to.equal(null);
  });

  it('answers containment and the region of a unit', () => {
    expect(geo.regionOf(geo.unit('cluster', 'randers')!)?.code).to.equal('1082');
    expect(geo.regionOf(geo.unit('municipality', '101')!)?.code).to.equal('1084');
    expect(geo.regionOf(geo.country)).to.equal(null);
    expect(geo.contains(geo.unit('region', '1082')!, '706')).to.equal(true);
    expect(geo.contains(geo.unit('region', '1082')!, '101')).to.equal(false);
    expect(geo.contains(geo.country, '101')).to.equal(true);
    expect(geo.municipalitiesOfRegion('1084').map((x) => x.code)).to.deep.equal(['101']);
  });

  it('names and labels scope codes; other codes stay as they are', () => {
    expect(geo.nameOf('751')).to.equal('Aarhus');
    expect(geo.nameOf('1084')).to.equal('Region 1084');
    expect(geo.nameOf('P108201')).to.equal(null);
    expect(codeAndName(geo, '751')).to.equal('751 Aarhus');
    expect(codeAndName(geo, 'DK')).to.equal('DK');
    expect(scopeLabel(geo, '751', 'da')).to.equal('Aarhus (751)');
    expect(scopeLabel(geo, 'DK', 'da')).to.equal('Hele landet');
    expect(scopeLabel(geo, 'P108201', 'da')).to.equal('P108201');
  });
});
