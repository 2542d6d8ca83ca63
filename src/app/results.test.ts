import { describe, expect, it } from 'vitest';
import { Announcer, describeFaces } from './announce';
import { exportName, resultsToCsv, resultsToJson } from './results';

const probs = Float32Array.from([0.01, 0, 0.02, 0.9, 0.03, 0.04, 0]);
const result = {
  width: 800,
  height: 600,
  time: 0,
  timings: { detectMs: 1, classifyMs: 1, totalMs: 2 },
  faces: [
    { id: 1, box: { x: 10.26, y: 20, width: 100, height: 120 }, crop: { x: 0, y: 0, width: 150, height: 150 }, score: 0.97, probs, top: { emotion: 'happy' as const, probability: 0.9 }, stale: false },
    { id: 2, box: { x: 400, y: 20, width: 90, height: 90 }, crop: { x: 0, y: 0, width: 1, height: 1 }, score: 0.8, probs, top: { emotion: 'happy' as const, probability: 0.9 }, stale: false },
  ],
};
const ctx = { image: 'team, "final".jpg', model: 'resemotenet-s', backend: 'webgl' };

describe('result files', () => {
  it('JSON carries every face with named probabilities', () => {
    const json = JSON.parse(resultsToJson(result, ctx));
    expect(json.faces).toHaveLength(2);
    expect(json.faces[0].probabilities.happy).toBeCloseTo(0.9);
    expect(Object.keys(json.faces[0].probabilities)).toEqual(['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral']);
    expect(json.faces[0].box.x).toBe(10.3);
    expect(json.faces[0].why).toBeUndefined(); // no "Why?" asked
  });

  it('JSON carries a face "Why?" map as a small grid, rows from the top of its crop', () => {
    const values = new Float32Array(4).map((_, i) => i / 3);
    const json = JSON.parse(resultsToJson(result, { ...ctx, explanations: { 2: { target: 3, method: 'occlusion', cells: 2, values } } }));
    expect(json.faces[0].why).toBeUndefined();
    expect(json.faces[1].why).toEqual({
      emotion: 'happy',
      method: 'occlusion',
      cells: 2,
      grid: [
        [0, 0.33],
        [0.67, 1],
      ],
    });
  });

  it('marks a photo read whole as one face in the JSON and the CSV: found by the whole photo, no detection score', () => {
    const whole = { ...result, whole: true, faces: [{ ...result.faces[0]!, score: 0 }] };
    const json = JSON.parse(resultsToJson(whole, ctx));
    expect(json.faces[0]).toMatchObject({ foundBy: 'whole_photo', detectionScore: null });
    expect(JSON.parse(resultsToJson(result, ctx)).faces[0]).toMatchObject({ foundBy: 'detector', detectionScore: 0.97 });
    const row = resultsToCsv(whole, ctx).split('\r\n')[1]!;
    expect(row.endsWith(',whole_photo,as_read')).toBe(true);
    expect(row).toContain(',120,,happy,'); // height, then an empty detection_score
  });

  it('CSV has a header and one row per face, with quoting and CRLF line ends (RFC 4180)', () => {
    const csv = resultsToCsv(result, ctx);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // no bare CR or LF between rows
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('source,time_ms,face,x,y,width,height,detection_score,top_emotion,angry,disgust,fear,happy,sad,surprise,neutral,valence,found_by,reading');
    expect(lines[1]?.endsWith(',detector,as_read')).toBe(true);
    expect(lines).toHaveLength(4); // header, two faces, the empty string after the last CRLF
    expect(lines[3]).toBe('');
    expect(lines[1]?.startsWith('"team, ""final"".jpg",,1,10.3,20,100,120,0.97,happy,')).toBe(true); // a photo has no time_ms
    expect(exportName('photo.final.jpg', 'csv')).toBe('photo.final-emotions.csv');
  });
});

/** The first cell of the first face's row, as written (a quoted cell may hold CR and LF). */
const firstCell = (image: string) => {
  const rows = resultsToCsv(result, { ...ctx, image });
  const afterHeader = rows.slice(rows.indexOf('\r\n') + 2);
  return /^("([^"]|"")*"|[^,]*)/.exec(afterHeader)?.[0];
};

describe('CSV injection (OWASP): file names stay text', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ["+cmd|' /C calc'!A0.jpg", "'+cmd|' /C calc'!A0.jpg"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['\rx', '"\'\rx"'], // neutralised, then quoted for its CR
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"'],
  ])('%j', (image, cell) => {
    expect(firstCell(image)).toBe(cell);
  });

  it('leaves ordinary names alone, formula characters later in a name too', () => {
    expect(firstCell('photo.jpg')).toBe('photo.jpg');
    expect(firstCell('a=b+c-d@e.jpg')).toBe('a=b+c-d@e.jpg');
    expect(firstCell("'quoted'.jpg")).toBe("'quoted'.jpg");
  });

  it('quotes a name with a comma, a quote or a line break (RFC 4180)', () => {
    expect(firstCell('a,b.jpg')).toBe('"a,b.jpg"');
    expect(firstCell('say "cheese".jpg')).toBe('"say ""cheese"".jpg"');
    expect(firstCell('two\nlines.jpg')).toBe('"two\nlines.jpg"');
    expect(firstCell('two\r\nlines.jpg')).toBe('"two\r\nlines.jpg"');
  });

  it('keeps numbers as numbers, negative ones included', () => {
    const face = result.faces[0]!;
    const off = { ...result, faces: [{ ...face, box: { x: -3.54, y: -0.5, width: 100, height: 120 } }] };
    const row = resultsToCsv(off, ctx).split('\r\n')[1]!;
    expect(row.startsWith('"team, ""final"".jpg",,1,-3.5,-0.5,100,120,0.97,happy,')).toBe(true);
    expect(row).not.toContain("'");
  });
});

describe('download names', () => {
  it.each([
    ['photo.jpg', 'photo-emotions.csv'],
    ['photo.final.jpg', 'photo.final-emotions.csv'],
    ['../../etc/passwd', 'passwd-emotions.csv'],
    ['C:\\Users\\me\\pic.png', 'pic-emotions.csv'],
    ['dir/', 'photo-emotions.csv'],
    ['', 'photo-emotions.csv'],
    ['.jpg', 'photo-emotions.csv'],
    ['...', 'photo-emotions.csv'],
    ['a\u0000b\nc\u007f.jpg', 'abc-emotions.csv'],
    ['cat\u202Egpj.exe', 'catgpj-emotions.csv'],
    ['what?<is>:this|"*.jpg', 'what__is__this___-emotions.csv'],
    ['  spaced  .jpg', 'spaced-emotions.csv'],
  ])('%j -> %s', (image, name) => {
    expect(exportName(image, 'csv')).toBe(name);
  });

  it('keeps names short and never empty', () => {
    expect(exportName(`${'x'.repeat(500)}.jpg`, 'json')).toBe(`${'x'.repeat(200)}-emotions.json`);
    expect(exportName('\u0001\u0002', 'png')).toBe('photo-emotions.png');
  });
});

describe('announcer', () => {
  it('summarises the top emotion per face', () => {
    expect(describeFaces(result.faces)).toBe('2 faces. face 1: happy, face 2: happy.');
    expect(describeFaces([])).toBe('No face in view.');
    // A face read against its resting face is said to be.
    expect(describeFaces([{ ...result.faces[0]!, reading: 'relative' }])).toBe('1 face. face 1: happy (against its resting face).');
  });

  it('speaks only on change and at most every interval', () => {
    const a = new Announcer(1000);
    expect(a.next(result.faces, 0)).toContain('2 faces');
    expect(a.next(result.faces, 5000)).toBeNull(); // unchanged
    expect(a.next(result.faces.slice(0, 1), 500)).toBeNull(); // too soon
    expect(a.next(result.faces.slice(0, 1), 1500)).toBe('1 face. face 1: happy.');
  });
});
