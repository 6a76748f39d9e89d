using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace PolicyAttach.Tests.Architecture;

/// <summary>
/// Reads, from an assembly's metadata and IL, which of its own types each of its types refers to: base types,
/// interfaces, generic constraints, attributes, field, property, event and method signatures, locals, and every
/// type, method and field token in method bodies (generic instantiations included). Nested and compiler-generated
/// types count as their outermost declaring type, so a lambda's closure is charged to the type that wrote it.
/// </summary>
internal static class TypeDependencies
{
    /// <summary>For each top-level type of the assembly (by full name), the top-level types of the same assembly it refers to.</summary>
    public static SortedDictionary<string, SortedSet<string>> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var md = pe.GetMetadataReader();
        var reader = new Reader(md, pe);
        return reader.Run();
    }

    private sealed class Reader(MetadataReader md, PEReader pe)
    {
        private readonly NameProvider _provider = new(md);
        private SortedSet<string> _into = [];

        public SortedDictionary<string, SortedSet<string>> Run()
        {
            var result = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
            foreach (var handle in md.TypeDefinitions)
            {
                var owner = NameProvider.TopLevelName(md, handle);
                if (owner is null)
                {
                    continue;
                }

                if (!result.TryGetValue(owner, out var set))
                {
                    result[owner] = set = new SortedSet<string>(StringComparer.Ordinal);
                }

                _into = set;
                Type(md.GetTypeDefinition(handle));
                set.Remove(owner);
            }

            return result;
        }

        private void Add(ImmutableArray<string> names)
        {
            foreach (var name in names)
            {
                _into.Add(name);
            }
        }

        private void Type(TypeDefinition type)
        {
            Entity(type.BaseType);
            foreach (var i in type.GetInterfaceImplementations())
            {
                Entity(md.GetInterfaceImplementation(i).Interface);
            }

            GenericParameters(type.GetGenericParameters());
            Attributes(type.GetCustomAttributes());
            foreach (var f in type.GetFields())
            {
                var field = md.GetFieldDefinition(f);
                Add(field.DecodeSignature(_provider, null));
                Attributes(field.GetCustomAttributes());
            }

            foreach (var p in type.GetProperties())
            {
                var property = md.GetPropertyDefinition(p);
                Signature(property.DecodeSignature(_provider, null));
                Attributes(property.GetCustomAttributes());
            }

            foreach (var e in type.GetEvents())
            {
                Entity(md.GetEventDefinition(e).Type);
            }

            foreach (var m in type.GetMethods())
            {
                Method(md.GetMethodDefinition(m));
            }
        }

        private void Method(MethodDefinition method)
        {
            Signature(method.DecodeSignature(_provider, null));
            GenericParameters(method.GetGenericParameters());
            Attributes(method.GetCustomAttributes());
            foreach (var p in method.GetParameters())
            {
                Attributes(md.GetParameter(p).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                foreach (var local in md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(_provider, null))
                {
                    Add(local);
                }
            }

            foreach (var region in body.ExceptionRegions)
            {
                Entity(region.CatchType);
            }

            var il = body.GetILReader();
            while (il.RemainingBytes > 0)
            {
                var code = ReadOpCode(ref il);
                var operand = OperandOf(code);
                switch (operand)
                {
                    case Operand.Token:
                        Entity(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    case Operand.String or Operand.Signature or Operand.Int32:
                        il.ReadInt32();
                        break;
                    case Operand.Switch:
                        var count = il.ReadInt32();
                        il.Offset += 4 * count;
                        break;
                    default:
                        il.Offset += (int)operand;
                        break;
                }
            }
        }

        private void Signature(MethodSignature<ImmutableArray<string>> signature)
        {
            Add(signature.ReturnType);
            foreach (var p in signature.ParameterTypes)
            {
                Add(p);
            }
        }

        private void GenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var g in parameters)
            {
                foreach (var c in md.GetGenericParameter(g).GetConstraints())
                {
                    Entity(md.GetGenericParameterConstraint(c).Type);
                }
            }
        }

        private void Attributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var a in attributes)
            {
                Entity(md.GetCustomAttribute(a).Constructor);
            }
        }

        private void Entity(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    if (NameProvider.TopLevelName(md, (TypeDefinitionHandle)handle) is { } name)
                    {
                        _into.Add(name);
                    }

                    break;
                case HandleKind.TypeSpecification:
                    Add(md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(_provider, null));
                    break;
                case HandleKind.MethodDefinition:
                    Entity(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    Entity(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                {
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Entity(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        Signature(member.DecodeMethodSignature(_provider, null));
                    }
                    else
                    {
                        Add(member.DecodeFieldSignature(_provider, null));
                    }

                    break;
                }

                case HandleKind.MethodSpecification:
                {
                    var spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Entity(spec.Method);
                    foreach (var argument in spec.DecodeSignature(_provider, null))
                    {
                        Add(argument);
                    }

                    break;
                }
            }
        }

        private static ILOpCode ReadOpCode(ref BlobReader il)
        {
            var b = il.ReadByte();
            return b == 0xFE ? (ILOpCode)(0xFE00 | il.ReadByte()) : (ILOpCode)b;
        }

        /// <summary>The operand of an opcode: its size in bytes, or how to read it (ECMA-335 §III).</summary>
        private static Operand OperandOf(ILOpCode code) => code switch
        {
            ILOpCode.Ldarg_s or ILOpCode.Ldarga_s or ILOpCode.Starg_s or ILOpCode.Ldloc_s or ILOpCode.Ldloca_s or ILOpCode.Stloc_s
                or ILOpCode.Ldc_i4_s or ILOpCode.Unaligned or ILOpCode.Leave_s => Operand.Byte,
            >= ILOpCode.Br_s and <= ILOpCode.Blt_un_s => Operand.Byte,
            ILOpCode.Ldarg or ILOpCode.Ldarga or ILOpCode.Starg or ILOpCode.Ldloc or ILOpCode.Ldloca or ILOpCode.Stloc => Operand.Short,
            ILOpCode.Ldc_i4 or ILOpCode.Ldc_r4 or ILOpCode.Leave => Operand.Int32,
            >= ILOpCode.Br and <= ILOpCode.Blt_un => Operand.Int32,
            ILOpCode.Ldc_i8 or ILOpCode.Ldc_r8 => Operand.Long,
            ILOpCode.Switch => Operand.Switch,
            ILOpCode.Ldstr => Operand.String,
            ILOpCode.Calli => Operand.Signature,
            ILOpCode.Jmp or ILOpCode.Call or ILOpCode.Callvirt or ILOpCode.Newobj or ILOpCode.Ldftn or ILOpCode.Ldvirtftn
                or ILOpCode.Cpobj or ILOpCode.Ldobj or ILOpCode.Stobj or ILOpCode.Castclass or ILOpCode.Isinst or ILOpCode.Unbox
                or ILOpCode.Unbox_any or ILOpCode.Box or ILOpCode.Newarr or ILOpCode.Ldelema or ILOpCode.Ldelem or ILOpCode.Stelem
                or ILOpCode.Ldfld or ILOpCode.Ldflda or ILOpCode.Stfld or ILOpCode.Ldsfld or ILOpCode.Ldsflda or ILOpCode.Stsfld
                or ILOpCode.Refanyval or ILOpCode.Mkrefany or ILOpCode.Ldtoken or ILOpCode.Initobj or ILOpCode.Constrained
                or ILOpCode.Sizeof => Operand.Token,
            _ => Operand.None,
        };
    }

    private enum Operand
    {
        None = 0,
        Byte = 1,
        Short = 2,
        Long = 8,
        Int32 = 100,
        Token,
        String,
        Signature,
        Switch,
    }

    /// <summary>Decodes signatures into the names of the assembly's own top-level types they mention.</summary>
    private sealed class NameProvider(MetadataReader md) : ISignatureTypeProvider<ImmutableArray<string>, object?>
    {
        /// <summary>The full name of a type's outermost declaring type; null for types outside any namespace (<c>&lt;Module&gt;</c>, anonymous types).</summary>
        public static string? TopLevelName(MetadataReader md, TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            while (type.IsNested)
            {
                type = md.GetTypeDefinition(type.GetDeclaringType());
            }

            var ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? null : ns + "." + md.GetString(type.Name);
        }

        public ImmutableArray<string> GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
            => TopLevelName(md, handle) is { } name ? [name] : [];

        public ImmutableArray<string> GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => [];

        public ImmutableArray<string> GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public ImmutableArray<string> GetPrimitiveType(PrimitiveTypeCode typeCode) => [];

        public ImmutableArray<string> GetSZArrayType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetArrayType(ImmutableArray<string> elementType, ArrayShape shape) => elementType;

        public ImmutableArray<string> GetByReferenceType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPointerType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetPinnedType(ImmutableArray<string> elementType) => elementType;

        public ImmutableArray<string> GetModifiedType(ImmutableArray<string> modifier, ImmutableArray<string> unmodifiedType, bool isRequired) => unmodifiedType;

        public ImmutableArray<string> GetGenericInstantiation(ImmutableArray<string> genericType, ImmutableArray<ImmutableArray<string>> typeArguments)
            => genericType.AddRange(typeArguments.SelectMany(a => a));

        public ImmutableArray<string> GetGenericMethodParameter(object? genericContext, int index) => [];

        public ImmutableArray<string> GetGenericTypeParameter(object? genericContext, int index) => [];

        public ImmutableArray<string> GetFunctionPointerType(MethodSignature<ImmutableArray<string>> signature)
            => signature.ReturnType.AddRange(signature.ParameterTypes.SelectMany(p => p));
    }
}
