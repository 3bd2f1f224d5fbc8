//===- EntryPoints.cpp - the entry points of a compiled module --*- C++ -*-===//

#include "tfmc/EntryPoints.h"

#include "tfm/IR/TfmDialect.h"
#include "tfm/Runtime.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::tfm;

static std::optional<int32_t> dtypeOf(Type elt) {
  if (elt.isF32())
    return TFM_DTYPE_F32;
  if (elt.isF64())
    return TFM_DTYPE_F64;
  if (elt.isF16())
    return TFM_DTYPE_F16;
  if (elt.isBF16())
    return TFM_DTYPE_BF16;
  if (elt.isSignlessInteger(1))
    return TFM_DTYPE_I1;
  if (elt.isSignlessInteger(8))
    return TFM_DTYPE_I8;
  if (elt.isSignlessInteger(32))
    return TFM_DTYPE_I32;
  if (elt.isSignlessInteger(64))
    return TFM_DTYPE_I64;
  return std::nullopt;
}

static FailureOr<TensorSignature> signatureOf(func::FuncOp func, Type type,
                                              StringRef what, unsigned index) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::optional<int32_t> dtype =
      tensor ? dtypeOf(tensor.getElementType()) : std::nullopt;
  if (!dtype)
    return func.emitError() << "entry point @" << func.getSymName() << ": "
                            << what << " " << index << " has type " << type
                            << "; entry points take and return ranked tensors "
                               "of f32, f64, f16, bf16, i1, i8, i32 or i64";
  TensorSignature sig{*dtype, {}};
  for (int64_t d : tensor.getShape())
    sig.dims.push_back(ShapedType::isDynamic(d) ? -1 : d);
  return sig;
}

FailureOr<std::vector<EntryPoint>>
mlir::tfm::collectEntryPoints(ModuleOp module) {
  std::vector<EntryPoint> entries;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isDeclaration())
      continue;
    EntryPoint entry{func.getSymName().str(), {}, {}, {}, {}, {}};
    for (auto [i, type] : llvm::enumerate(func.getArgumentTypes())) {
      FailureOr<TensorSignature> sig = signatureOf(func, type, "argument", i);
      if (failed(sig))
        return failure();
      entry.args.push_back(*sig);
      int32_t kind = TFM_ARG_TENSOR;
      std::string name;
      int64_t rows = 0;
      if (auto input = func.getArgAttrOfType<StringAttr>(i, TfmDialect::kInputAttrName)) {
        kind = TFM_ARG_INPUT;
        name = input.str();
      } else if (auto weight =
                     func.getArgAttrOfType<StringAttr>(i, TfmDialect::kWeightAttrName)) {
        kind = func.getArgAttr(i, TfmDialect::kWeightTransposedAttrName)
                   ? TFM_ARG_WEIGHT_TRANSPOSED
                   : TFM_ARG_WEIGHT;
        if (auto panels =
                func.getArgAttrOfType<IntegerAttr>(i, TfmDialect::kWeightPanelsAttrName)) {
          kind = TFM_ARG_WEIGHT_PANELS;
          rows = panels.getInt();
        }
        name = weight.str();
      }
      entry.argKinds.push_back(kind);
      entry.argRows.push_back(rows);
      entry.argNames.push_back(std::move(name));
    }
    for (auto [i, type] : llvm::enumerate(func.getResultTypes())) {
      FailureOr<TensorSignature> sig = signatureOf(func, type, "result", i);
      if (failed(sig))
        return failure();
      entry.results.push_back(*sig);
    }
    entries.push_back(std::move(entry));
  }
  if (entries.empty())
    return module.emitError("no entry point: the module has no public "
                            "func.func with a body");
  return entries;
}

namespace {
/// Builds the constant tables of Runtime.h in one LLVM module.
class TableBuilder {
public:
  explicit TableBuilder(llvm::Module &module)
      : module(module), ctx(module.getContext()),
        i32(llvm::Type::getInt32Ty(ctx)), i64(llvm::Type::getInt64Ty(ctx)),
        ptr(llvm::PointerType::getUnqual(ctx)),
        sigType(llvm::StructType::get(ctx, {i32, i32, ptr})),
        entryType(llvm::StructType::get(
            ctx, {ptr, ptr, i32, i32, ptr, ptr, ptr, ptr, ptr})),
        moduleType(llvm::StructType::get(ctx, {i32, i32, ptr, ptr, ptr})) {}

  llvm::Constant *global(llvm::Constant *init, const llvm::Twine &name) {
    return new llvm::GlobalVariable(
        module, init->getType(), /*isConstant=*/true,
        llvm::GlobalValue::PrivateLinkage, init, name);
  }

  llvm::Constant *string(StringRef s, const llvm::Twine &name) {
    return global(llvm::ConstantDataArray::getString(ctx, s), name);
  }

  llvm::Constant *signatures(ArrayRef<TensorSignature> sigs,
                             const llvm::Twine &name) {
    if (sigs.empty())
      return llvm::ConstantPointerNull::get(ptr);
    SmallVector<llvm::Constant *> elements;
    for (auto [i, sig] : llvm::enumerate(sigs)) {
      SmallVector<uint64_t> dims(sig.dims.begin(), sig.dims.end());
      llvm::Constant *dimsPtr =
          dims.empty() ? llvm::ConstantPointerNull::get(ptr)
                       : global(llvm::ConstantDataArray::get(ctx, dims),
                                name + ".dims" + llvm::Twine(i));
      elements.push_back(llvm::ConstantStruct::get(
          sigType, {llvm::ConstantInt::get(i32, sig.dtype),
                    llvm::ConstantInt::get(i32, sig.dims.size()), dimsPtr}));
    }
    return global(llvm::ConstantArray::get(
                      llvm::ArrayType::get(sigType, elements.size()), elements),
                  name);
  }

  /// void __tfm_invoke_<name>(void **args): unpacks args and calls the C
  /// interface `_mlir_ciface_<name>(results?, arg0, ...)`.
  llvm::Function *invokeWrapper(const EntryPoint &entry) {
    llvm::Function *ciface = module.getFunction("_mlir_ciface_" + entry.name);
    auto *type = llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptr},
                                         /*isVarArg=*/false);
    auto *wrapper =
        llvm::Function::Create(type, llvm::GlobalValue::InternalLinkage,
                               "__tfm_invoke_" + entry.name, module);
    llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", wrapper));
    llvm::Value *args = wrapper->getArg(0);
    SmallVector<llvm::Value *> callArgs;
    unsigned first = entry.results.empty() ? 1 : 0;
    for (unsigned i = first, e = 1 + entry.args.size(); i < e; ++i) {
      llvm::Value *slot = b.CreateConstGEP1_64(ptr, args, i);
      callArgs.push_back(b.CreateLoad(ptr, slot));
    }
    b.CreateCall(ciface, callArgs);
    b.CreateRetVoid();
    return wrapper;
  }

  llvm::Constant *optionalString(StringRef s, const llvm::Twine &name) {
    return s.empty() ? llvm::ConstantPointerNull::get(ptr) : string(s, name);
  }

  llvm::Constant *argNames(const EntryPoint &entry, const llvm::Twine &name) {
    if (entry.args.empty())
      return llvm::ConstantPointerNull::get(ptr);
    SmallVector<llvm::Constant *> names;
    for (auto [i, n] : llvm::enumerate(entry.argNames))
      names.push_back(optionalString(n, name + llvm::Twine(i)));
    return global(llvm::ConstantArray::get(
                      llvm::ArrayType::get(ptr, names.size()), names),
                  name);
  }

  llvm::Constant *argKinds(const EntryPoint &entry, const llvm::Twine &name) {
    if (entry.args.empty())
      return llvm::ConstantPointerNull::get(ptr);
    SmallVector<uint32_t> kinds(entry.argKinds.begin(), entry.argKinds.end());
    return global(llvm::ConstantDataArray::get(ctx, kinds), name);
  }

  llvm::Constant *argRows(const EntryPoint &entry, const llvm::Twine &name) {
    if (entry.args.empty())
      return llvm::ConstantPointerNull::get(ptr);
    SmallVector<uint64_t> rows(entry.argRows.begin(), entry.argRows.end());
    return global(llvm::ConstantDataArray::get(ctx, rows), name);
  }

  void moduleTable(ArrayRef<EntryPoint> entries, const ModuleInfo &info) {
    SmallVector<llvm::Constant *> elements;
    for (const EntryPoint &entry : entries) {
      std::string prefix = "__tfm_sig_" + entry.name;
      elements.push_back(llvm::ConstantStruct::get(
          entryType,
          {string(entry.name, "__tfm_name_" + entry.name), invokeWrapper(entry),
           llvm::ConstantInt::get(i32, entry.args.size()),
           llvm::ConstantInt::get(i32, entry.results.size()),
           signatures(entry.args, prefix + ".args"),
           signatures(entry.results, prefix + ".results"),
           argNames(entry, prefix + ".arg_names"),
           argKinds(entry, prefix + ".arg_kinds"),
           argRows(entry, prefix + ".arg_rows")}));
    }
    llvm::Constant *table =
        global(llvm::ConstantArray::get(
                   llvm::ArrayType::get(entryType, elements.size()), elements),
               "__tfm_entries");
    new llvm::GlobalVariable(
        module, moduleType, /*isConstant=*/true,
        llvm::GlobalValue::ExternalLinkage,
        llvm::ConstantStruct::get(
            moduleType,
            {llvm::ConstantInt::get(i32, TFM_ABI_VERSION),
             llvm::ConstantInt::get(i32, entries.size()), table,
             optionalString(info.modelConfig, "__tfm_model_config"),
             optionalString(info.weightsPath, "__tfm_weights_path")}),
        "tfm_module_desc");
  }

private:
  llvm::Module &module;
  llvm::LLVMContext &ctx;
  llvm::Type *i32, *i64;
  llvm::PointerType *ptr;
  llvm::StructType *sigType, *entryType, *moduleType;
};
} // namespace

/// In an executable, compiled code's buffers come from the runtime's
/// workspace pool (runtime/lib/Workspace.cpp), which keeps large blocks for
/// the next call instead of returning them to the system. The replacements
/// are declared as an allocator family so that LLVM still knows a fresh
/// buffer aliases nothing and may drop unused allocations.
static void routeAllocationsToWorkspacePool(llvm::Module &module) {
  llvm::LLVMContext &ctx = module.getContext();
  auto reroute = [&](StringRef from, StringRef to, llvm::AllocFnKind kind,
                     std::optional<unsigned> sizeArg) {
    llvm::Function *old = module.getFunction(from);
    if (!old)
      return;
    llvm::Function *fn = llvm::Function::Create(
        old->getFunctionType(), llvm::GlobalValue::ExternalLinkage, to, module);
    fn->addFnAttr(
        llvm::Attribute::get(ctx, llvm::Attribute::AllocKind, uint64_t(kind)));
    fn->addFnAttr("alloc-family", "tfm_workspace");
    fn->addFnAttr(llvm::Attribute::NoUnwind);
    if (sizeArg) {
      fn->addFnAttr(
          llvm::Attribute::getWithAllocSizeArgs(ctx, *sizeArg, std::nullopt));
      fn->addRetAttr(llvm::Attribute::NoAlias);
    } else {
      fn->addParamAttr(0, llvm::Attribute::AllocatedPointer);
    }
    if ((kind & llvm::AllocFnKind::Aligned) != llvm::AllocFnKind::Unknown)
      fn->addParamAttr(0, llvm::Attribute::AllocAlign);
    old->replaceAllUsesWith(fn);
    old->eraseFromParent();
  };
  using Kind = llvm::AllocFnKind;
  reroute("malloc", "tfm_workspace_alloc", Kind::Alloc | Kind::Uninitialized,
          0);
  reroute("aligned_alloc", "tfm_workspace_aligned_alloc",
          Kind::Alloc | Kind::Uninitialized | Kind::Aligned, 1);
  reroute("free", "tfm_workspace_free", Kind::Free, std::nullopt);
}

void mlir::tfm::emitEntryPoints(llvm::Module &module,
                                ArrayRef<EntryPoint> entries, bool withTable,
                                const ModuleInfo &info) {
  // Only the entry points' C interfaces are exported: raw lowered functions
  // and private helpers become internal, so that their names clash neither
  // with the runtime's (a helper called `main`) nor with another library's.
  llvm::StringSet<> exported;
  for (const EntryPoint &entry : entries)
    exported.insert("_mlir_ciface_" + entry.name);
  for (llvm::Function &fn : module)
    if (!fn.isDeclaration() && !exported.contains(fn.getName()))
      fn.setLinkage(llvm::GlobalValue::InternalLinkage);
  if (!withTable)
    return;
  TableBuilder(module).moduleTable(entries, info);
  // Failed run-time checks (cf.assert) print through puts and abort; in an
  // executable the runtime reports them instead, as one line and exit 2.
  if (llvm::Function *puts = module.getFunction("puts")) {
    llvm::Function *fail = llvm::Function::Create(
        puts->getFunctionType(), llvm::GlobalValue::ExternalLinkage,
        "tfm_runtime_check_failed", module);
    fail->setDoesNotReturn();
    puts->replaceAllUsesWith(fail);
    puts->eraseFromParent();
  }
  routeAllocationsToWorkspacePool(module);
}

static StringRef cTypeOf(int32_t dtype) {
  switch (dtype) {
  case TFM_DTYPE_F32:
    return "float";
  case TFM_DTYPE_F64:
    return "double";
  case TFM_DTYPE_F16:
  case TFM_DTYPE_BF16:
    return "uint16_t";
  case TFM_DTYPE_I1:
  case TFM_DTYPE_I8:
    return "int8_t";
  case TFM_DTYPE_I32:
    return "int32_t";
  default:
    return "int64_t";
  }
}

static std::string memrefTypeName(const TensorSignature &sig) {
  std::string elt = cTypeOf(sig.dtype).str();
  if (elt.size() > 2 && StringRef(elt).ends_with("_t"))
    elt.resize(elt.size() - 2);
  return "tfm_memref_" + elt + "_" + std::to_string(sig.dims.size()) + "d";
}

static std::string shapeComment(const TensorSignature &sig) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(sig.dims))
    s += (i ? ", " : "") + (d < 0 ? std::string("?") : std::to_string(d));
  return s + "]";
}

void mlir::tfm::writeCHeader(llvm::raw_ostream &os,
                             ArrayRef<EntryPoint> entries, StringRef source,
                             StringRef libraryName, StringRef linkFlags) {
  std::string guard = "TFM_GENERATED_";
  for (char ch : libraryName)
    guard += llvm::isAlnum(ch) ? llvm::toUpper(ch) : '_';
  guard += "_H";
  os << "/* Generated by tfmc from " << source << ". Do not edit.\n"
     << " *\n"
     << " * Each entry point takes pointers to strided memref descriptors "
        "(MLIR's\n"
     << " * C interface). Results are allocated with malloc by the library "
        "and\n"
     << " * owned by the caller: free(result.allocated) once per distinct\n"
     << " * buffer. Link with " << linkFlags << ". */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  llvm::StringSet<> declared;
  auto declare = [&](const TensorSignature &sig) {
    std::string name = memrefTypeName(sig);
    if (!declared.insert(name).second)
      return;
    size_t rank = sig.dims.size();
    // Guarded one by one: headers of several models share these types.
    std::string defined = StringRef(name).upper() + "_DEFINED";
    os << "#ifndef " << defined << "\n#define " << defined << "\n";
    os << "typedef struct " << name << " {\n  " << cTypeOf(sig.dtype)
       << " *allocated;\n  " << cTypeOf(sig.dtype)
       << " *aligned;\n  int64_t offset;\n";
    if (rank)
      os << "  int64_t sizes[" << rank << "];\n  int64_t strides[" << rank
         << "];\n";
    os << "} " << name << ";\n#endif\n\n";
  };
  for (const EntryPoint &entry : entries) {
    for (const TensorSignature &sig : entry.args)
      declare(sig);
    for (const TensorSignature &sig : entry.results)
      declare(sig);
  }

  for (const EntryPoint &entry : entries) {
    std::string resultType;
    if (entry.results.size() > 1) {
      resultType = entry.name + "_results";
      os << "typedef struct " << resultType << " {\n";
      for (auto [i, sig] : llvm::enumerate(entry.results))
        os << "  " << memrefTypeName(sig) << " result" << i << "; /* "
           << shapeComment(sig) << " */\n";
      os << "} " << resultType << ";\n\n";
    } else if (entry.results.size() == 1) {
      resultType = memrefTypeName(entry.results[0]);
    }
    os << "void _mlir_ciface_" << entry.name << "(";
    bool first = true;
    if (!resultType.empty()) {
      os << resultType << " *results";
      first = false;
    }
    for (auto [i, sig] : llvm::enumerate(entry.args)) {
      os << (first ? "" : ", ") << memrefTypeName(sig) << " *arg" << i << " /* "
         << shapeComment(sig) << " */";
      first = false;
    }
    os << (first ? "void" : "") << ");\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
}
