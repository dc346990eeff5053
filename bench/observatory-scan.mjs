// The MDN HTTP Observatory's scan, for a server on any ports and path. Its own scanner
// (src/scanner/index.js) takes only a host name; this one passes {httpPort, httpsPort,
// path} to its retriever and grades the same way. bench/observatory copies it into the
// installed package's src/scanner/ so the imports below resolve.
//
//   node local-scan.mjs HOST HTTP_PORT HTTPS_PORT PATH   -> JSON on stdout

import { MINIMUM_SCORE_FOR_EXTRA_CREDIT } from "../grader/charts.js";
import { getGradeForScore, getScoreDescription, getScoreModifier } from "../grader/grader.js";
import { retrieve } from "../retriever/retriever.js";
import { ALL_TESTS, NUM_TESTS } from "../constants.js";

const [hostname, httpPort, httpsPort, path] = process.argv.slice(2);
const retrieved = await retrieve(hostname, { httpPort, httpsPort, path });
if (!retrieved.responses.auto) {
  console.error("The site did not answer.");
  process.exit(1);
}

const results = ALL_TESTS.map((test) => test(retrieved));
let passed = 0;
let withExtraCredit = 100;
let uncurved = 100;
const tests = {};
for (const result of results) {
  if (result.result) {
    result.scoreDescription = getScoreDescription(result.result);
    result.scoreModifier = getScoreModifier(result.result);
    passed += result.pass ? 1 : 0;
    withExtraCredit += result.scoreModifier;
    if (result.scoreModifier < 0) uncurved += result.scoreModifier;
  }
  tests[result.constructor.name] = result;
}
// Extra credit counts only once the score without it is already an A.
const final = getGradeForScore(
  uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved
);
console.log(
  JSON.stringify({
    scan: {
      grade: final.grade,
      score: final.score,
      statusCode: retrieved.responses.auto.status,
      testsPassed: passed,
      testsFailed: NUM_TESTS - passed,
      testsQuantity: NUM_TESTS,
      responseHeaders: retrieved.responses.auto.headers,
    },
    tests,
  })
);
