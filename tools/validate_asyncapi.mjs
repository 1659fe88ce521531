// Validate an AsyncAPI document with the official parser and its Protobuf schema parser.
// Usage: node tools/validate_asyncapi.mjs FILE
// Prints one JSON object: {"errors": [...], "warnings": [...]}; exits 1 when there are errors.
import { readFileSync } from "node:fs";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";
import { ProtoBuffSchemaParser } from "@asyncapi/protobuf-schema-parser";

const parser = new Parser();
parser.registerSchemaParser(ProtoBuffSchemaParser());
const { document, diagnostics } = await parser.parse(readFileSync(process.argv[2], "utf8"));
const describe = (d) => ({ code: d.code, message: d.message, path: d.path.join(".") });
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map(describe);
const warnings = diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Error).map(describe);
const summary = document
  ? { channels: document.channels().length, messages: document.allMessages().length, operations: document.operations().length }
  : null;
console.log(JSON.stringify({ errors, warnings, summary }));
process.exit(errors.length === 0 && document ? 0 : 1);
