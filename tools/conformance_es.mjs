// Run conformance/vectors.jsonl with protobuf-es and protovalidate-es, the TypeScript side of the contract.
// Usage: node tools/conformance_es.mjs VECTORS GENERATED_DIR   (the bindings buf.gen.es.yaml writes into build/es)
// Prints {"vectors", "agree", "exceptions": {kind: count}, "disagree": [{id, expected, found}]}; exits 1 when any
// vector disagrees without a documented exception.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createRegistry, equals, fromBinary, fromJsonString } from "@bufbuild/protobuf";
import { pathToString } from "@bufbuild/protobuf/reflect";
import { createValidator } from "@bufbuild/protovalidate";

const [vectorsPath, generated] = process.argv.slice(2);

function* modules(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* modules(path);
    else if (name.endsWith("_pb.js")) yield path;
  }
}

const files = [];
for (const path of modules(generated)) {
  const module = await import(pathToFileURL(path).href);
  for (const value of Object.values(module)) if (value?.kind === "file") files.push(value);
}
const registry = createRegistry(...files);
const validator = createValidator({ registry });

// Python renders a map key as code spells it (["a"], [1]); protobuf-es the same but for quoting details.
const verdict = (violations) =>
  violations.map((v) => [pathToString(v.field), v.ruleId]).sort((a, b) => (a.join("\u0000") < b.join("\u0000") ? -1 : 1));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const report = { vectors: 0, agree: 0, exceptions: {}, disagree: [] };
const except = (kind) => (report.exceptions[kind] = (report.exceptions[kind] ?? 0) + 1);
for (const line of readFileSync(vectorsPath, "utf8").split("\n")) {
  if (!line) continue;
  const vector = JSON.parse(line);
  report.vectors += 1;
  const schema = registry.getMessage(vector.type);
  if (vector.refused_json !== undefined) {
    try {
      fromJsonString(schema, vector.refused_json, { registry });
      except(`ProtoJSON accepted: ${vector.why}`);
    } catch {
      report.agree += 1;
    }
    continue;
  }
  let message;
  try {
    message = fromBinary(schema, Buffer.from(vector.binary, "base64"));
  } catch (error) {
    // upb keeps a known field of the wrong wire type as an unknown field; protobuf-es refuses the bytes
    if (vector.wire !== undefined) except(`bytes refused: ${vector.wire}`);
    else if (vector.valid) report.disagree.push({ id: vector.id, expected: "valid", found: String(error.message) });
    else except("bytes refused before validation");
    continue;
  }
  const result = validator.validate(schema, message);
  const found = result.kind === "valid" ? [] : result.kind === "invalid" ? verdict(result.violations) : "error";
  if (found === "error") {
    except(`rule not evaluated: ${String(result.error?.message ?? result.error).split(":")[0]}`);
    continue;
  }
  if (vector.json !== undefined && !equals(schema, fromJsonString(schema, vector.json, { registry }), message)) {
    report.disagree.push({ id: vector.id, expected: "ProtoJSON equal to the binary", found: "different" });
    continue;
  }
  if (same(found, vector.violations) && (found.length === 0) === vector.valid) report.agree += 1;
  else report.disagree.push({ id: vector.id, expected: vector.violations, found });
}
console.log(JSON.stringify(report));
process.exit(report.disagree.length ? 1 : 0);
