// The admin's object detectors: the list as the server last sent it (every change answers with the whole list,
// or is followed by a reload), so the page shows what the server stored and what the worker really runs.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { detectorsApi, type Detector, type Detectors, type DetectorUpload } from '../api/detectors-api';

export const useDetectorsStore = defineStore('detectors', () => {
  const state = ref<Detectors | null>(null);
  const loading = ref(false);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      state.value = await detectorsApi.list();
    } finally {
      loading.value = false;
    }
  }

  async function upload(request: DetectorUpload): Promise<Detector> {
    const created = await detectorsApi.upload(request);
    await load();
    return created;
  }

  async function activate(id: string): Promise<void> {
    state.value = await detectorsApi.activate(id);
  }

  async function remove(id: string): Promise<void> {
    await detectorsApi.remove(id);
    await load();
  }

  return { state, loading, load, upload, activate, remove };
});
