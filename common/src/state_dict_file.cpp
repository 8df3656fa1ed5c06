#include "ofa/common/state_dict_file.hpp"

#include "ofa/common/error.hpp"

namespace ofa::common {

SavedStateDict to_state_dict(const SavedObject& object, const std::string& where) {
  if (object.kind != SavedObject::Kind::Dict)
    throw Error(where + ": expected a dict of name -> tensor, got a " + std::string(object.kind_name()));
  const SavedObject* dict = &object;
  std::string prefix;
  if (const SavedObject* inner = object.find("state_dict")) {  // OFA's checkpoint layout
    if (inner->kind != SavedObject::Kind::Dict)
      throw Error(where + ": key 'state_dict' holds a " + std::string(inner->kind_name()) + ", not a dict of name -> tensor");
    dict = inner;
    prefix = "state_dict/";
  }
  SavedStateDict out;
  for (std::size_t i = 0; i < dict->keys.size(); ++i) {
    const SavedObject& key = dict->keys[i];
    if (key.kind != SavedObject::Kind::String) throw Error(where + ": key '" + prefix + key.key_text() + "' is not a string");
    const SavedObject& value = dict->items[i];
    if (value.kind != SavedObject::Kind::Tensor)
      throw Error(where + ": key '" + prefix + key.text + "' holds a " + std::string(value.kind_name()) + ", not a tensor");
    out.emplace(key.text, value.tensor);
  }
  return out;
}

SavedStateDict read_state_dict(const std::filesystem::path& file) { return to_state_dict(read_torch_file(file), file.string()); }

const SavedTensor& require(const SavedStateDict& dict, const std::string& key, const std::string& where) {
  const auto it = dict.find(key);
  if (it == dict.end()) throw Error(where + ": missing key '" + key + "'");
  return it->second;
}

}  // namespace ofa::common
