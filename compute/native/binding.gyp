{
  "variables": {
    "vlab_cflags": [
      "-std=gnu++17", "-fexceptions", "-O3", "-fno-math-errno", "-ffp-contract=off",
      "-Wall", "-Wextra", "-Werror=switch", "-pthread"
    ],
    "vlab_kernel_cflags": ["-Werror"],
    "vlab_includes": ["<!@(node -p \"require('node-addon-api').include\")", "third_party/xsimd/include"],
    "vlab_defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"]
  },
  "target_defaults": {
    "include_dirs": ["<@(vlab_includes)"],
    "defines": ["<@(vlab_defines)"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
    "cflags_cc": ["<@(vlab_cflags)"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
      "MACOSX_DEPLOYMENT_TARGET": "10.15",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-math-errno", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror=switch"]
    },
    "msvs_settings": {
      "VCCLCompilerTool": {
        "ExceptionHandling": 1,
        "AdditionalOptions": ["/std:c++17", "/Zc:preprocessor", "/Zc:__cplusplus", "/fp:precise", "/W3"]
      }
    }
  },
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
        "src/vm_sse2.cc",
        "src/vm_neon.cc"
      ],
      "dependencies": ["vlab_scalar"],
      "ldflags": ["-pthread"],
      "conditions": [
        ["target_arch=='x64'", { "dependencies": ["vlab_sse4", "vlab_avx2", "vlab_avx512"] }],
        ["OS!='win'", { "libraries": ["-lm"] }]
      ]
    },
    {
      "target_name": "vlab_scalar",
      "type": "static_library",
      "sources": ["src/vm_scalar_copy.cc"],
      "cflags_cc": ["<@(vlab_kernel_cflags)", "-fno-tree-vectorize", "-fno-tree-slp-vectorize"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-Werror", "-fno-vectorize", "-fno-slp-vectorize"] }
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "vlab_sse4",
          "type": "static_library",
          "sources": ["src/vm_sse4.cc"],
          "cflags_cc": ["<@(vlab_kernel_cflags)", "-msse4.2"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-Werror", "-msse4.2"] },
          "msvs_settings": {
            "VCCLCompilerTool": { "PreprocessorDefinitions": ["__SSE3__", "__SSSE3__", "__SSE4_1__", "__SSE4_2__"] }
          }
        },
        {
          "target_name": "vlab_avx2",
          "type": "static_library",
          "sources": ["src/vm_avx2.cc"],
          "cflags_cc": ["<@(vlab_kernel_cflags)", "-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-Werror", "-mavx2", "-mfma"] },
          "msvs_settings": { "VCCLCompilerTool": { "EnableEnhancedInstructionSet": "5" } }
        },
        {
          "target_name": "vlab_avx512",
          "type": "static_library",
          "sources": ["src/vm_avx512.cc"],
          "cflags_cc": [
            "<@(vlab_kernel_cflags)", "-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mavx2", "-mfma",
            "-Wno-uninitialized", "-mprefer-vector-width=512"
          ],
          "xcode_settings": {
            "OTHER_CPLUSPLUSFLAGS": [
              "-Werror", "-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx512bw", "-mavx2", "-mfma"
            ]
          },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/arch:AVX512"] } }
        }
      ]
    }]
  ]
}
