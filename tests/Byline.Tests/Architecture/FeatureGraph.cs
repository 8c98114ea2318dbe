using System.Collections.Immutable;
using System.Globalization;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Byline.Tests.Architecture;

/// <summary>
/// Which feature folder uses which, with the type pairs behind every edge. Read from the compiled
/// assembly rather than the source so that nothing escapes it: signatures, fields, attributes
/// (including <c>typeof</c> arguments), locals, catch clauses and every token in the IL of every
/// method body — which also covers lambdas, local functions, async state machines and Razor pages,
/// because those compile into types nested in (or named after) the code that wrote them.
/// </summary>
internal sealed class FeatureGraph
{
    private readonly SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> edges = new(StringComparer.Ordinal);

    public SortedSet<string> Features { get; } = new(StringComparer.Ordinal);

    /// <summary>Every feature a feature uses, with "FromType → ToType" lines saying why.</summary>
    public IReadOnlyDictionary<string, SortedDictionary<string, SortedSet<string>>> Edges => edges;

    public void AddFeature(string feature) => Features.Add(feature);

    public void AddEdge(string from, string to, string because)
    {
        Features.Add(from);
        Features.Add(to);
        if (from == to)
        {
            return;
        }

        if (!edges.TryGetValue(from, out var targets))
        {
            edges[from] = targets = new(StringComparer.Ordinal);
        }

        if (!targets.TryGetValue(to, out var reasons))
        {
            targets[to] = reasons = new(StringComparer.Ordinal);
        }

        reasons.Add(because);
    }

    public IEnumerable<string> Targets(string from) =>
        edges.TryGetValue(from, out var targets) ? targets.Keys : [];

    public bool HasEdge(string from, string to) =>
        edges.TryGetValue(from, out var targets) && targets.ContainsKey(to);

    public IReadOnlySet<string> Reasons(string from, string to) =>
        edges.TryGetValue(from, out var targets) && targets.TryGetValue(to, out var reasons)
            ? reasons
            : new SortedSet<string>();

    /// <summary>
    /// Reads the graph of <paramref name="assemblyPath"/>. <paramref name="featureOf"/> maps a type's
    /// namespace and simple name to its feature, or null for types that belong to none (compiler
    /// helpers, source-generated code); Razor classes are mapped by the path of their source file.
    /// </summary>
    public static FeatureGraph Read(string assemblyPath, Func<string, string, string?> featureOf, Func<string, string?> featureOfRazorFile)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        return new AssemblyScanner(pe, featureOf, featureOfRazorFile).Scan();
    }

    private sealed class AssemblyScanner(PEReader pe, Func<string, string, string?> featureOf, Func<string, string?> featureOfRazorFile)
    {
        private static readonly OperandType?[] OneByteOperands = new OperandType?[256];
        private static readonly OperandType?[] TwoByteOperands = new OperandType?[256];

        private readonly MetadataReader md = pe.GetMetadataReader();
        private readonly Dictionary<TypeDefinitionHandle, (string Feature, string Name)?> owners = [];
        private readonly Dictionary<string, TypeDefinitionHandle> bySerializedName = new(StringComparer.Ordinal);
        private readonly SignatureTypes signatures = new();

        private List<TypeDefinitionHandle> Found => signatures.Found;

        static AssemblyScanner()
        {
            foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                var op = (OpCode)field.GetValue(null)!;
                var value = (ushort)op.Value;
                if (op.Size == 1)
                {
                    OneByteOperands[value] = op.OperandType;
                }
                else
                {
                    TwoByteOperands[value & 0xFF] = op.OperandType;
                }
            }
        }

        public FeatureGraph Scan()
        {
            foreach (var handle in md.TypeDefinitions)
            {
                bySerializedName[SerializedName(handle)] = handle;
            }

            var graph = new FeatureGraph();
            foreach (var handle in md.TypeDefinitions)
            {
                if (Owner(handle) is not { } from)
                {
                    continue;
                }

                graph.AddFeature(from.Feature);
                Found.Clear();
                CollectType(handle);
                foreach (var target in Found)
                {
                    if (Owner(target) is { } to && to.Feature != from.Feature)
                    {
                        graph.AddEdge(from.Feature, to.Feature, $"{from.Name} → {to.Name}");
                    }
                }
            }

            return graph;
        }

        private string SerializedName(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            var name = md.GetString(type.Name);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
            {
                return SerializedName(declaring) + "+" + name;
            }

            var ns = md.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        /// <summary>The feature and display name of the outermost type that declares <paramref name="handle"/>.</summary>
        private (string Feature, string Name)? Owner(TypeDefinitionHandle handle)
        {
            if (owners.TryGetValue(handle, out var owner))
            {
                return owner;
            }

            var type = md.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            if (!declaring.IsNil)
            {
                owner = Owner(declaring);
            }
            else
            {
                var ns = md.GetString(type.Namespace);
                var name = md.GetString(type.Name);
                var display = ns.Length == 0 ? name : ns + "." + name;
                var feature = RazorFile(type) is { } file ? featureOfRazorFile(file) : featureOf(ns, name);
                owner = feature is null ? null : (feature, display);
            }

            owners[handle] = owner;
            return owner;
        }

        /// <summary>The source path a Razor-generated class was compiled from ("/Site/Home/Index.cshtml").</summary>
        private string? RazorFile(TypeDefinition type)
        {
            foreach (var handle in type.GetCustomAttributes())
            {
                var attribute = md.GetCustomAttribute(handle);
                if (AttributeTypeName(attribute) != "Microsoft.AspNetCore.Razor.Hosting.RazorCompiledItemMetadataAttribute")
                {
                    continue;
                }

                var value = attribute.DecodeValue(AttributeTypes.Instance);
                if (value.FixedArguments is [{ Value: "Identifier" }, { Value: string path }])
                {
                    return path;
                }
            }

            return null;
        }

        private string? AttributeTypeName(CustomAttribute attribute)
        {
            EntityHandle type = attribute.Constructor.Kind switch
            {
                HandleKind.MemberReference => md.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent,
                HandleKind.MethodDefinition => md.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType(),
                _ => default,
            };
            return type.Kind switch
            {
                HandleKind.TypeReference => FullName(md.GetTypeReference((TypeReferenceHandle)type)),
                HandleKind.TypeDefinition => SerializedName((TypeDefinitionHandle)type),
                _ => null,
            };
        }

        private string FullName(TypeReference reference)
        {
            var ns = md.GetString(reference.Namespace);
            var name = md.GetString(reference.Name);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        private void CollectType(TypeDefinitionHandle handle)
        {
            var type = md.GetTypeDefinition(handle);
            CollectHandle(type.BaseType);
            foreach (var implementation in type.GetInterfaceImplementations())
            {
                CollectHandle(md.GetInterfaceImplementation(implementation).Interface);
            }

            CollectAttributes(type.GetCustomAttributes());
            CollectGenericParameters(type.GetGenericParameters());

            foreach (var fieldHandle in type.GetFields())
            {
                var field = md.GetFieldDefinition(fieldHandle);
                field.DecodeSignature(signatures, null);
                CollectAttributes(field.GetCustomAttributes());
            }

            foreach (var propertyHandle in type.GetProperties())
            {
                var property = md.GetPropertyDefinition(propertyHandle);
                property.DecodeSignature(signatures, null);
                CollectAttributes(property.GetCustomAttributes());
            }

            foreach (var eventHandle in type.GetEvents())
            {
                var @event = md.GetEventDefinition(eventHandle);
                CollectHandle(@event.Type);
                CollectAttributes(@event.GetCustomAttributes());
            }

            foreach (var methodHandle in type.GetMethods())
            {
                CollectMethod(md.GetMethodDefinition(methodHandle));
            }

            foreach (var nested in type.GetNestedTypes())
            {
                CollectType(nested);
            }
        }

        private void CollectMethod(MethodDefinition method)
        {
            method.DecodeSignature(signatures, null);
            CollectAttributes(method.GetCustomAttributes());
            CollectGenericParameters(method.GetGenericParameters());
            foreach (var parameter in method.GetParameters())
            {
                CollectAttributes(md.GetParameter(parameter).GetCustomAttributes());
            }

            if (method.RelativeVirtualAddress == 0)
            {
                return;
            }

            var body = pe.GetMethodBody(method.RelativeVirtualAddress);
            if (!body.LocalSignature.IsNil)
            {
                md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(signatures, null);
            }

            foreach (var region in body.ExceptionRegions)
            {
                CollectHandle(region.CatchType);
            }

            CollectIl(body.GetILReader());
        }

        private void CollectIl(BlobReader il)
        {
            while (il.RemainingBytes > 0)
            {
                var code = il.ReadByte();
                var operand = code == 0xFE ? TwoByteOperands[il.ReadByte()] : OneByteOperands[code];
                switch (operand)
                {
                    case null or OperandType.InlineNone:
                        break;
                    case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                        il.Offset += 1;
                        break;
                    case OperandType.InlineVar:
                        il.Offset += 2;
                        break;
                    case OperandType.InlineI8 or OperandType.InlineR:
                        il.Offset += 8;
                        break;
                    case OperandType.InlineSwitch:
                        var targets = il.ReadInt32();
                        il.Offset += 4 * targets;
                        break;
                    case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok or OperandType.InlineSig:
                        CollectHandle(MetadataTokens.EntityHandle(il.ReadInt32()));
                        break;
                    default:
                        // InlineString, InlineI, InlineBrTarget, ShortInlineR: four bytes that name no type.
                        il.Offset += 4;
                        break;
                }
            }
        }

        private void CollectHandle(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    Found.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(signatures, null);
                    break;
                case HandleKind.FieldDefinition:
                    var field = md.GetFieldDefinition((FieldDefinitionHandle)handle);
                    Found.Add(field.GetDeclaringType());
                    field.DecodeSignature(signatures, null);
                    break;
                case HandleKind.MethodDefinition:
                    var method = md.GetMethodDefinition((MethodDefinitionHandle)handle);
                    Found.Add(method.GetDeclaringType());
                    method.DecodeSignature(signatures, null);
                    break;
                case HandleKind.MethodSpecification:
                    var specification = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    CollectHandle(specification.Method);
                    specification.DecodeSignature(signatures, null);
                    break;
                case HandleKind.MemberReference:
                    var member = md.GetMemberReference((MemberReferenceHandle)handle);
                    CollectHandle(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(signatures, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(signatures, null);
                    }

                    break;
                case HandleKind.StandaloneSignature:
                    var signature = md.GetStandaloneSignature((StandaloneSignatureHandle)handle);
                    if (signature.GetKind() == StandaloneSignatureKind.Method)
                    {
                        signature.DecodeMethodSignature(signatures, null);
                    }

                    break;
                default:
                    // Type references name other assemblies; module references name native libraries.
                    break;
            }
        }

        private void CollectGenericParameters(GenericParameterHandleCollection parameters)
        {
            foreach (var parameterHandle in parameters)
            {
                var parameter = md.GetGenericParameter(parameterHandle);
                CollectAttributes(parameter.GetCustomAttributes());
                foreach (var constraint in parameter.GetConstraints())
                {
                    CollectHandle(md.GetGenericParameterConstraint(constraint).Type);
                }
            }
        }

        private void CollectAttributes(CustomAttributeHandleCollection attributes)
        {
            foreach (var handle in attributes)
            {
                var attribute = md.GetCustomAttribute(handle);
                CollectHandle(attribute.Constructor);
                CustomAttributeValue<string> value;
                try
                {
                    value = attribute.DecodeValue(AttributeTypes.Instance);
                }
                catch (BadImageFormatException)
                {
                    // An enum argument whose underlying type is not int cannot be decoded without loading
                    // its assembly; such arguments are never types of ours, so nothing is missed.
                    continue;
                }

                foreach (var argument in value.FixedArguments)
                {
                    CollectAttributeArgument(argument);
                }

                foreach (var argument in value.NamedArguments)
                {
                    CollectAttributeArgument(new CustomAttributeTypedArgument<string>(argument.Type, argument.Value));
                }
            }
        }

        private void CollectAttributeArgument(CustomAttributeTypedArgument<string> argument)
        {
            switch (argument.Value)
            {
                case string name when argument.Type == AttributeTypes.SystemType:
                    // typeof(X) is stored as X's assembly-qualified name.
                    var comma = name.IndexOf(',', StringComparison.Ordinal);
                    var typeName = comma < 0 ? name : name[..comma];
                    if (bySerializedName.TryGetValue(typeName, out var type))
                    {
                        Found.Add(type);
                    }

                    break;
                case ImmutableArray<CustomAttributeTypedArgument<string>> elements:
                    foreach (var element in elements)
                    {
                        CollectAttributeArgument(element);
                    }

                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Decodes a signature for its side effect: every type definition of ours in it lands in the list.</summary>
    private sealed class SignatureTypes : ISignatureTypeProvider<bool, object?>
    {
        public List<TypeDefinitionHandle> Found { get; } = [];

        public bool GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            Found.Add(handle);
            return true;
        }

        public bool GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public bool GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => false;

        public bool GetArrayType(bool elementType, ArrayShape shape) => elementType;

        public bool GetByReferenceType(bool elementType) => elementType;

        public bool GetFunctionPointerType(MethodSignature<bool> signature) => false;

        public bool GetGenericInstantiation(bool genericType, ImmutableArray<bool> typeArguments) => genericType;

        public bool GetGenericMethodParameter(object? genericContext, int index) => false;

        public bool GetGenericTypeParameter(object? genericContext, int index) => false;

        public bool GetModifiedType(bool modifier, bool unmodifiedType, bool isRequired) => unmodifiedType;

        public bool GetPinnedType(bool elementType) => elementType;

        public bool GetPointerType(bool elementType) => elementType;

        public bool GetPrimitiveType(PrimitiveTypeCode typeCode) => false;

        public bool GetSZArrayType(bool elementType) => elementType;
    }

    /// <summary>Names types inside attribute blobs well enough to find <c>typeof</c> arguments.</summary>
    private sealed class AttributeTypes : ICustomAttributeTypeProvider<string>
    {
        public const string SystemType = "System.Type";
        public static readonly AttributeTypes Instance = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetSystemType() => SystemType;

        public string GetSZArrayType(string elementType) => elementType + "[]";

        // Full names: the decoder asks IsSystemType of a constructor's parameter types, so System.Type
        // must come out as exactly that for typeof arguments to decode as names.
        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeDefinition(handle);
            return reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
        }

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            var type = reader.GetTypeReference(handle);
            return reader.GetString(type.Namespace) + "." + reader.GetString(type.Name);
        }

        public string GetTypeFromSerializedName(string name) => name;

        // Every enum used in our attributes is int-based; others fail to decode and are skipped.
        public PrimitiveTypeCode GetUnderlyingEnumType(string type) => PrimitiveTypeCode.Int32;

        public bool IsSystemType(string type) => type == SystemType;
    }
}
