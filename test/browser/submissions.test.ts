import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/app';
import { browserSuite, logIn, screenshot } from '../helpers/browser';
import { closedCourse, cprNo, notStartedCourse, storeCourse } from '../integration/submissions/fixtures';

describe('browser: national submission', function () {
  let page: Page;
  const suite = browserSuite(async () => {
    await storeCourse(suite.server.db, closedCourse({ cpr: cprNo(1) }));
    await storeCourse(suite.server.db, notStartedCourse({ cpr: cprNo(2) }));
    await storeCourse(suite.server.db, closedCourse({ cpr: cprNo(3), training_attended: 30 }));
  });

  it('indberetter.aarhus validates a period, creates the submission and downloads it', async () => {
    page = await suite.browser.newPage({ acceptDownloads: true });
    await logIn(page, suite.server.url, 'indberetter.aarhus@demo.dk', TEST_PASSWORD);

    await page.goto(suite.server.url + '/indberetning');
    await page.fill('#from', '01.01.2025');
    await page.fill('#to', '31.12.2025');
    await screenshot(page, 'submissions-1-start');
    await Promise.all([page.waitForURL('**/indberetning/kontrol'), page.click('button:has-text("Kontrollér")')]);
    await screenshot(page, 'submissions-2-report');
    const reportText = await page.textContent('main');
    await Promise.all([page.waitForURL(/\/indberetning\/\d+$/), page.click('button:has-text("Opret indberetning")')]);
    await screenshot(page, 'submissions-3-created');
    const sha = (await page.textContent('code.sha256'))!.trim();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-zip')]);
    const zipPath = await download.path();
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('a:has-text("CSV")')]);
    const csv = fs.readFileSync((await csvDownload.path())!);
    await page.goto(suite.server.url + '/indberetning');
    await screenshot(page, 'submissions-4-log');

    expect(reportText).to.include('2');
    expect(reportText).to.include('Gennemførte træningsgange');
    expect(download.suggestedFilename()).to.match(/^dhrd-751-20250101-20251231-\d{8}T\d{6}Z\.zip$/);
    expect(fs.readFileSync(zipPath!).subarray(0, 2).toString()).to.equal('PK');
    expect(crypto.createHash('sha256').update(csv).digest('hex')).to.equal(sha);
    expect(await page.locator('table.submissions-log tbody tr').count()).to.equal(1);
    expect(await page.textContent('table.submissions-log')).to.include('751 Aarhus');
  });

  it('terapeut.aarhus checks an import file with a bad row and sees the line, the column and the message', async () => {
    page = await suite.browser.newPage();
    await logIn(page, suite.server.url, 'terapeut.aarhus@demo.dk', TEST_PASSWORD);
    const csv = `cpr;referral_date;diagnosis_group;patient_name\n${cprNo(7)};2025-03-03;ihd;"Jens\nHansen"\n${cprNo(8)};2025-13-03;hjerte;Ole\n`;

    await page.goto(suite.server.url + '/import');
    await page.setInputFiles('#file', { name: 'forloeb.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.click('button:has-text("Kontrollér")');
    await page.locator('table.import-errors').waitFor();
    await screenshot(page, 'imports-1-dry-run-errors');

    const rows = await page.locator('table.import-errors tbody tr').allTextContents();
    // A line break inside a name is a control character there (as in the form), refused at the line the record starts.
    expect(rows).to.have.length(3);
    expect(rows[0]).to.match(/^2.*kontroltegn/);
    expect(rows[1]).to.match(/^4.*Henvisningsdato/);
    expect(rows[2]).to.match(/^4.*Diagnosegruppe/);
  });
});
