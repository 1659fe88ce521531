"""A protoc plugin that emits `_pb2_grpc.py` service stubs through grpcio-tools.

`grpc_python` is compiled into grpcio-tools' protoc rather than shipped as a
plugin binary, so buf cannot call it directly. This plugin receives buf's
CodeGeneratorRequest, hands the already-compiled descriptors to grpcio-tools'
protoc (`--descriptor_set_in`) and returns what it writes. Only files that
declare services are generated. The request's parameter is passed through.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2
from google.protobuf.compiler import plugin_pb2
from grpc_tools import protoc  # type: ignore[import-untyped]


def generate(request: plugin_pb2.CodeGeneratorRequest) -> plugin_pb2.CodeGeneratorResponse:
    response = plugin_pb2.CodeGeneratorResponse(
        supported_features=plugin_pb2.CodeGeneratorResponse.FEATURE_PROTO3_OPTIONAL
    )
    by_name = {file.name: file for file in request.proto_file}
    targets = [name for name in request.file_to_generate if by_name[name].service]
    if not targets:
        return response
    with tempfile.TemporaryDirectory() as workdir:
        descriptor_set = Path(workdir, "input.binpb")
        descriptor_set.write_bytes(descriptor_pb2.FileDescriptorSet(file=request.proto_file).SerializeToString())
        out_dir = Path(workdir, "out")
        out_dir.mkdir()
        parameter = f"{request.parameter}:" if request.parameter else ""
        status = protoc.main(
            [
                "grpc_tools.protoc",
                f"--descriptor_set_in={descriptor_set}",
                f"--grpc_python_out={parameter}{out_dir}",
                *targets,
            ]
        )
        if status != 0:
            response.error = f"grpcio-tools protoc exited with status {status}"
            return response
        for path in sorted(out_dir.rglob("*.py")):
            response.file.add(name=path.relative_to(out_dir).as_posix(), content=path.read_text(encoding="utf-8"))
    return response


def main() -> None:
    request = plugin_pb2.CodeGeneratorRequest.FromString(sys.stdin.buffer.read())
    sys.stdout.buffer.write(generate(request).SerializeToString())


if __name__ == "__main__":
    main()
