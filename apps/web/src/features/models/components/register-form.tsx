import { useId, useState, type FormEvent } from 'react';
import { registerModelSchema } from '@medichat/shared';
import { Button } from '@/components/ui/button';
import { FormAlert, SelectField, TextField } from '@/components/ui/form';
import { describeError, fieldErrorsFromApi, fieldErrorsFromZod, sentence, type FieldErrors } from '@/lib/form';
import { useRegisterModel } from '../api/admin-models';

const ENGINES = [
  { value: 'openai', label: 'OpenAI-compatible (vLLM, Ollama, llama.cpp, TGI)' },
  { value: 'hf-inference', label: 'Hugging Face Text Generation Inference' },
] as const;

/**
 * Register a remote model server: its base URL and the model id it serves. Nothing is contacted at
 * registration; the server's API key, when it needs one, comes from the API's configuration
 * (OPENAI_API_KEY / HF_TOKEN) and never from this form.
 */
export function RegisterRemoteForm() {
  const id = useId();
  const [name, setName] = useState('');
  const [engine, setEngine] = useState<(typeof ENGINES)[number]['value']>('openai');
  const [baseUrl, setBaseUrl] = useState('');
  const [path, setPath] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const register = useRegisterModel();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = registerModelSchema.safeParse({
      name: name.trim(),
      engine,
      baseUrl: baseUrl.trim(),
      path: path.trim(),
    });
    if (!parsed.success) {
      setErrors(fieldErrorsFromZod(parsed.error));
      return;
    }
    setErrors({});
    register.mutate(
      { name: parsed.data.name, engine: parsed.data.engine, baseUrl: parsed.data.baseUrl, path: parsed.data.path },
      {
        onError: (err) => setErrors(fieldErrorsFromApi(err)),
        onSuccess: () => {
          setName('');
          setBaseUrl('');
          setPath('');
        },
      },
    );
  }

  const err = (k: string) => (errors[k] ? sentence(errors[k]) : undefined);
  return (
    <form onSubmit={onSubmit} noValidate aria-label="Register a remote server" className="space-y-4">
      <TextField id={`${id}-name`} label="Name" value={name} onValueChange={setName} error={err('name')} autoComplete="off" required />
      <SelectField
        id={`${id}-engine`}
        label="Protocol"
        value={engine}
        onValueChange={(v) => setEngine(v as typeof engine)}
        options={ENGINES}
      />
      <TextField
        id={`${id}-url`}
        label="Base URL"
        value={baseUrl}
        onValueChange={setBaseUrl}
        placeholder="http://gpu-box:8000/v1"
        error={err('baseUrl')}
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
        required
      />
      <TextField
        id={`${id}-path`}
        label="Remote model id"
        value={path}
        onValueChange={setPath}
        placeholder="meta-llama/Llama-3.1-8B-Instruct"
        hint="The model name the server expects in its requests."
        error={err('path')}
        autoComplete="off"
        spellCheck={false}
        required
      />
      {register.error && Object.keys(errors).length === 0 ? <FormAlert>{describeError(register.error)}</FormAlert> : null}
      {register.isSuccess ? (
        <FormAlert tone="info">{register.data.name} is registered. Make it the default to answer with it.</FormAlert>
      ) : null}
      <Button type="submit" disabled={register.isPending}>
        {register.isPending ? 'Registering…' : 'Register'}
      </Button>
    </form>
  );
}
