# `sam build` (BuildMethod: makefile) runs the target of each function with ARTIFACTS_DIR set to that function's
# artifact folder. Every type's template uses the logical IDs `cfn test` expects (TypeFunction, TestEntrypoint), so
# the targets cannot tell types apart by name. They tell them apart by the Makefile make was given: this one for the
# type at the repository root, or the one-line Makefile in a type's folder that includes it (SAM reads it there from
# the function's Metadata ContextPath). That folder holds the type's .rpdk-config, and build:lambda bundles the
# registered type it names, so each artifact carries only its own type's bundle.
TYPE_PROJECT := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))

build-TypeFunction build-TestEntrypoint:
	npm run --silent build:lambda -- --project "$(TYPE_PROJECT)" --outdir "$(ARTIFACTS_DIR)"
