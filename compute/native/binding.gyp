{
  "targets": [
    {
      "target_name": "vlab_native",
      "sources": [
        "src/addon.cc",
        "src/args.cc",
        "src/async_job.cc",
        "src/isa.cc",
        "src/pool.cc",
        "src/program.cc",
        "src/vm_generic.cc",
        "src/vm_avx2.cc",
        "src/vm_avx512.cc",
        "src/libmvec.cc"
      ],
      "include_dirs": ["<!@(node -p \"require('node-addon-api').include\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": [
        "-std=gnu++17",
        "-fexceptions",
        "-O3",
        "-fno-math-errno",
        "-ffp-contract=off",
        "-Werror=switch",
        "-pthread"
      ],
      "ldflags": ["-pthread"],
      "libraries": ["-lm"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-math-errno", "-ffp-contract=off", "-Werror=switch"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
